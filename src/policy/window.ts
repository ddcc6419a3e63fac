// Access windows: "Mon-Fri 08:00-18:00 Europe/Berlin" (several ranges, an IANA zone), when one is
// open and when it next opens or closes. Local times are turned into instants in the window's zone
// by luxon, so daylight-saving changes fall where the zone's rules put them. Pure: no clock read.
import { DateTime, IANAZone } from 'luxon';

/** One range: the days it opens on (1 = Monday ... 7 = Sunday) and its local times in minutes. */
export interface WindowRange {
  days: number[];
  /** Minutes after local midnight. */
  from: number;
  /** Minutes after local midnight, up to 1440 (24:00); at or before `from`: the next day. */
  to: number;
}

export interface AccessWindow {
  text: string;
  zone: string;
  ranges: WindowRange[];
}

export type WindowResult = { ok: true; window: AccessWindow } | { ok: false; error: string };

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const FORM =
  'DAYS HH:MM-HH:MM[, DAYS HH:MM-HH:MM ...] ZONE, e.g. "Mon-Fri 08:00-18:00 Europe/Berlin"';
/** Far enough to pass any weekly window's next edge: a week and the overnight range before it. */
const SCAN_DAYS = 9;
/** Merged ranges chained end to end: a week of ranges is at most this many. */
const MAX_CHAIN = 64;

/** A window's text into ranges and a zone, or one line naming what is wrong and the form. */
export function parseWindow(text: string): WindowResult {
  const bad = (why: string): WindowResult => ({
    ok: false,
    error: `${why} in window ${JSON.stringify(text)}; write ${FORM}`,
  });
  const tokens = text.trim().split(/\s+/);
  const zone = tokens.pop() ?? '';
  if (zone === '' || /^\d|-/.test(zone.slice(0, 1)) || /\d:\d/.test(zone)) {
    return bad('no time zone at the end');
  }
  if (!IANAZone.isValidZone(zone)) return bad(`unknown time zone ${JSON.stringify(zone)}`);
  const parts = tokens
    .join(' ')
    .split(',')
    .map((p) => p.trim());
  const ranges: WindowRange[] = [];
  for (const part of parts) {
    const [daySpec = '', ...times] = part.split(/\s+/).filter((t) => t !== '');
    if (daySpec === '') return bad('an empty range');
    const days = parseDays(daySpec);
    if (!days) return bad(`unknown days ${JSON.stringify(daySpec)} (use Mon-Fri, Sat or daily)`);
    if (times.length === 0) return bad(`no hours after ${JSON.stringify(daySpec)}`);
    for (const time of times) {
      const span = parseSpan(time);
      if (typeof span === 'string') return bad(span);
      ranges.push({ days, ...span });
    }
  }
  return { ok: true, window: { text, zone, ranges } };
}

/** `Mon-Fri`, `Fri-Mon` (wraps), `Sat`, `daily`; case-insensitive, three-letter names. */
function parseDays(spec: string): number[] | undefined {
  const lower = spec.toLowerCase();
  if (lower === 'daily') return [1, 2, 3, 4, 5, 6, 7];
  const [first, last, extra] = lower.split('-');
  if (extra !== undefined) return undefined;
  const a = DAYS.indexOf(first ?? '');
  const b = last === undefined ? a : DAYS.indexOf(last);
  if (a < 0 || b < 0) return undefined;
  const days: number[] = [];
  for (let d = a; ; d = (d + 1) % 7) {
    days.push(d + 1);
    if (d === b) return days;
  }
}

/** `08:00-18:00`, `22:00-06:00` (overnight), `00:00-24:00`; a problem as a string. */
function parseSpan(text: string): { from: number; to: number } | string {
  const m = /^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$/.exec(text);
  if (!m) return `hours ${JSON.stringify(text)} are not HH:MM-HH:MM`;
  const [from, to] = [minutes(m[1], m[2]), minutes(m[3], m[4])];
  if (from === undefined || from >= 1440 || to === undefined) {
    return `hours ${JSON.stringify(text)} are not times of day (00:00 to 24:00)`;
  }
  if (from === to) return `hours ${JSON.stringify(text)} open and close at once`;
  return { from, to };
}

function minutes(h: string | undefined, m: string | undefined): number | undefined {
  const [hour, minute] = [Number(h), Number(m)];
  if (minute > 59 || hour > 24 || (hour === 24 && minute > 0)) return undefined;
  return hour * 60 + minute;
}

interface Interval {
  open: number;
  close: number;
}

/** The window's intervals on local days from `fromDay` to `fromDay + count`, in epoch ms. */
function intervals(window: AccessWindow, at: Date, fromDay: number, count: number): Interval[] {
  const local = DateTime.fromJSDate(at, { zone: window.zone }).startOf('day');
  const out: Interval[] = [];
  for (let i = fromDay; i < fromDay + count; i++) {
    const day = local.plus({ days: i });
    for (const range of window.ranges) {
      if (!range.days.includes(day.weekday)) continue;
      const closeDay = range.to <= range.from ? day.plus({ days: 1 }) : day;
      out.push({ open: localTime(day, range.from), close: localTime(closeDay, range.to) });
    }
  }
  return out;
}

/** A local day's minute as an instant; a time inside a spring-forward gap moves past it. */
function localTime(day: DateTime, minute: number): number {
  if (minute === 1440) return day.plus({ days: 1 }).startOf('day').toMillis();
  const { year, month, day: d } = day;
  return DateTime.fromObject(
    { year, month, day: d, hour: Math.floor(minute / 60), minute: minute % 60 },
    { zone: day.zone },
  ).toMillis();
}

/** Open at `at`: some range has opened (inclusive) and not yet closed (exclusive). */
export function isOpen(window: AccessWindow, at: Date): boolean {
  const t = at.getTime();
  return intervals(window, at, -1, 2).some((i) => i.open <= t && t < i.close);
}

/** The first opening after `at` (the window is closed then); undefined only for an empty window. */
export function nextOpen(window: AccessWindow, at: Date): Date | undefined {
  const t = at.getTime();
  const opens = intervals(window, at, -1, SCAN_DAYS)
    .map((i) => i.open)
    .filter((open) => open > t && !isOpen(window, new Date(open - 1)));
  return opens.length === 0 ? undefined : new Date(Math.min(...opens));
}

/**
 * When the window, open at `at`, next closes: ranges that touch or overlap are one opening.
 * Undefined when it stays open for the whole scan (e.g. "daily 00:00-24:00").
 */
export function nextClose(window: AccessWindow, at: Date): Date | undefined {
  let t = at.getTime();
  for (let step = 0; step < MAX_CHAIN; step++) {
    const closes = intervals(window, new Date(t), -1, 2)
      .filter((i) => i.open <= t && t < i.close)
      .map((i) => i.close);
    if (closes.length === 0) return step === 0 ? undefined : new Date(t);
    t = Math.max(...closes);
    if (t - at.getTime() > SCAN_DAYS * 86_400_000) return undefined;
  }
  return undefined;
}

/** "Mon 2026-01-05 08:00 Europe/Berlin": a time as the window's readers think of it. */
export function localText(window: AccessWindow, at: Date): string {
  return `${DateTime.fromJSDate(at, { zone: window.zone }).toFormat('ccc yyyy-LL-dd HH:mm')} ${window.zone}`;
}
