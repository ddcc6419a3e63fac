// Estimates how far this machine's clock is from Teleport's, from times Teleport itself stamped:
// a listed request was created no later than Teleport's "now", and Teleport lists no request whose
// resource expiry has passed by its clock. Pure (no I/O, local times passed in), so the rules are
// table-tested; the shell (teleportClock.ts) feeds it and applies the offset.
import type { AccessRequest } from '../domain/accessRequest';

/** An offset smaller than this is ordinary drift and request latency: corrected, not reported. */
const SKEW_REPORT_THRESHOLD_MS = 60_000;
/** Evidence older than this is dropped, so a clock that NTP fixes stops being corrected. */
const EVIDENCE_WINDOW_MS = 15 * 60_000;
/** Kept under the earliest listed expiry, so nothing Teleport still lists looks expired. */
const EXPIRY_MARGIN_MS = 1_000;

/**
 * One listing's evidence about `offset = teleportTime - localTime`: offset >= lowerMs (a creation
 * time) and offset < upperMs (an expiry Teleport has not reached). Either may be absent.
 */
export interface OffsetEvidence {
  atLocalMs: number;
  lowerMs?: number;
  upperMs?: number;
}

export interface SkewEstimate {
  /** Add to the local clock to get Teleport's; 0 when the evidence agrees with the local clock. */
  offsetMs: number;
  /** True when the offset is large enough to report. */
  skewed: boolean;
  lowerMs?: number;
  upperMs?: number;
}

/** Evidence from requests Teleport just listed, observed at `localNow`. */
export function evidenceFromRequests(
  requests: readonly Pick<AccessRequest, 'created' | 'resourceExpires'>[],
  localNow: Date,
): OffsetEvidence | undefined {
  const at = localNow.getTime();
  let lower: number | undefined;
  let upper: number | undefined;
  for (const r of requests) {
    const created = r.created.getTime();
    // Teleport leaves some times unset (the zero time); those say nothing about its clock.
    if (created > 0) lower = Math.max(lower ?? -Infinity, created - at);
    const expires = r.resourceExpires?.getTime();
    if (expires !== undefined && expires > 0) upper = Math.min(upper ?? Infinity, expires - at);
  }
  if (lower === undefined && upper === undefined) return undefined;
  return { atLocalMs: at, lowerMs: lower, upperMs: upper };
}

/** Evidence from a certificate Teleport signed and still accepts: NotBefore <= its now < NotAfter. */
export function evidenceFromCertificate(
  validity: { notBefore: Date; notAfter: Date },
  localNow: Date,
): OffsetEvidence {
  const at = localNow.getTime();
  return {
    atLocalMs: at,
    lowerMs: validity.notBefore.getTime() - at,
    upperMs: validity.notAfter.getTime() - at,
  };
}

/** Drops evidence that fell out of the window; the result is what the estimate should keep. */
export function recentEvidence(
  evidence: readonly OffsetEvidence[],
  localNow: Date,
): OffsetEvidence[] {
  const since = localNow.getTime() - EVIDENCE_WINDOW_MS;
  return evidence.filter((e) => e.atLocalMs >= since);
}

/**
 * The offset to apply. Zero while the local clock lies within the bounds. When it does not: a
 * creation time ahead of us means we are behind by at least that much; an expiry already past by
 * our clock means we are ahead, and Teleport's "now" is before that expiry. When
 * the bounds contradict each other (the clock jumped within the window), the newest evidence wins.
 */
export function estimateOffset(evidence: readonly OffsetEvidence[]): SkewEstimate {
  if (evidence.length === 0) return { offsetMs: 0, skewed: false };
  const newestFirst = [...evidence].sort((a, b) => b.atLocalMs - a.atLocalMs);
  let lower = -Infinity;
  let upper = Infinity;
  for (const e of newestFirst) {
    const nextLower = Math.max(lower, e.lowerMs ?? -Infinity);
    const nextUpper = Math.min(upper, e.upperMs ?? Infinity);
    if (nextLower >= nextUpper) break; // older evidence disagrees with newer: ignore the rest
    lower = nextLower;
    upper = nextUpper;
  }
  // The lower bound when there is one: the earliest time Teleport's clock can show, so whatever
  // Teleport still lists cannot look expired; else just under the earliest listed expiry.
  let offsetMs = 0;
  if (lower > 0 || upper <= 0) offsetMs = Number.isFinite(lower) ? lower : upper - EXPIRY_MARGIN_MS;
  return {
    offsetMs,
    skewed: Math.abs(offsetMs) >= SKEW_REPORT_THRESHOLD_MS,
    ...(Number.isFinite(lower) ? { lowerMs: lower } : {}),
    ...(Number.isFinite(upper) ? { upperMs: upper } : {}),
  };
}

/** "ahead of Teleport by 13h 0m" for logs and status. */
export function describeOffset(offsetMs: number): string {
  const direction = offsetMs < 0 ? 'ahead of' : 'behind';
  const totalMinutes = Math.round(Math.abs(offsetMs) / 60_000);
  const hours = Math.floor(totalMinutes / 60);
  const text = hours > 0 ? `${hours}h ${totalMinutes % 60}m` : `${totalMinutes}m`;
  return `this machine's clock is ${text} ${direction} Teleport's`;
}
