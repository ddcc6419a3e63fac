// The one duration grammar: Go duration strings (30s, 1m30s, 500ms, 1h), because the Go sample's
// -poll-interval took them and its command lines must keep working; flags that span days (--since,
// the sim's --ttl) also accept `d` (24h), which Go lacks. Pure; returns undefined, never throws.

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3, // U+00B5 micro sign, as Go accepts
  μs: 1e-3, // U+03BC Greek mu, as Go accepts
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};
const DAY_MS = 86_400_000;

const PART = /(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h|d)/y;

export interface DurationOptions {
  /** Accept `d` for 24 hours (2d, 1d12h); off for anything the Go sample also read. */
  days?: boolean;
}

/**
 * Milliseconds (rounded), or undefined when s is not a Go duration (with `d` when days is set).
 * "0" needs no unit, as in Go.
 */
export function parseGoDuration(s: string, options: DurationOptions = {}): number | undefined {
  let rest = s;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest.startsWith('-') ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') return undefined;
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < rest.length) {
    const m = PART.exec(rest);
    const unit = m?.[2] === 'd' ? (options.days ? DAY_MS : undefined) : UNIT_MS[m?.[2] ?? ''];
    if (!m || unit === undefined) return undefined;
    total += Number(m[1]) * unit;
  }
  return Math.round(sign * total);
}

/** The shortest Go-style spelling of a whole number of milliseconds: 1m30s, 500ms, 1h. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (Math.abs(ms) < 1000) return `${ms}ms`;
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(ms);
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const s = rest / 1000;
  return `${sign}${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}`;
}
