// The arithmetic of an hours budget: a user's access in one environment as a set of time
// intervals, and the sum of it over a sliding window ending at t. Overlapping access of one user
// counts once per instant (the union). The window sum is piecewise linear in t with slopes -1, 0
// and +1, changing only at interval ends and those ends plus the window, so every question here
// (its maximum, when it reaches a limit, when a request fits) is answered exactly at those points.
// Milliseconds since the epoch throughout; an interval without end has end = Infinity.

/** [start, end): held from start, up to but not including end. */
export interface Interval {
  start: number;
  end: number;
}

/** Sorted, disjoint, non-empty intervals covering what the inputs cover. */
export function union(intervals: readonly Interval[]): Interval[] {
  const sorted = intervals
    .filter((i) => i.end > i.start)
    .slice()
    .sort((a, b) => a.start - b.start || a.end - b.end);
  const merged: Interval[] = [];
  for (const { start, end } of sorted) {
    const last = merged[merged.length - 1];
    if (last && start <= last.end) last.end = Math.max(last.end, end);
    else merged.push({ start, end });
  }
  return merged;
}

/** The union cut off at `at` (what is held before it). */
export function clipAt(u: readonly Interval[], at: number): Interval[] {
  return u.flatMap((i) => (i.start < at ? [{ start: i.start, end: Math.min(i.end, at) }] : []));
}

/** How long the union is held within [from, to). */
export function heldBetween(u: readonly Interval[], from: number, to: number): number {
  let total = 0;
  for (const i of u) {
    const a = Math.max(i.start, from);
    const b = Math.min(i.end, to);
    if (b > a) total += b - a;
  }
  return total;
}

/** The window sum at t: held within [t - per, t). */
export function windowSum(u: readonly Interval[], per: number, t: number): number {
  return heldBetween(u, t - per, t);
}

/** Whether something is held at instant t. */
export function covered(u: readonly Interval[], t: number): boolean {
  return u.some((i) => i.start <= t && t < i.end);
}

/** The window sum's slope just after t: +1 while held and nothing leaves the window, etc. */
function slope(u: readonly Interval[], per: number, t: number): number {
  return (covered(u, t) ? 1 : 0) - (covered(u, t - per) ? 1 : 0);
}

/** Where the window sum may change slope, from `from` on (inclusive), sorted, finite. */
export function breakpoints(u: readonly Interval[], per: number, from: number): number[] {
  const points = new Set<number>([from]);
  for (const { start, end } of u) {
    for (const p of [start, end, start + per, end + per]) {
      if (Number.isFinite(p) && p > from) points.add(p);
    }
  }
  return [...points].sort((a, b) => a - b);
}

/** The largest window sum at any t >= from (the sum is linear between breakpoints). */
export function peakWindowSum(u: readonly Interval[], per: number, from: number): number {
  let peak = 0;
  for (const p of breakpoints(u, per, from)) peak = Math.max(peak, windowSum(u, per, p));
  // Access without end fills the window eventually.
  if (u.some((i) => i.end === Infinity)) peak = Math.max(peak, per);
  return peak;
}

/**
 * The earliest t >= from at which held access uses the budget up: something is held at t and the
 * window sum is over `limit`, or at it and rising (the next instant would be over). Undefined when
 * that never happens. Access that keeps the sum exactly at the limit (old use leaving the window
 * as fast as new use enters) is not over.
 */
export function exhaustion(
  u: readonly Interval[],
  per: number,
  limit: number,
  from: number,
): number | undefined {
  const points = breakpoints(u, per, from);
  for (let k = 0; k < points.length; k++) {
    const at = points[k] ?? from;
    const next = points[k + 1] ?? Infinity;
    if (!covered(u, at)) continue;
    const w = windowSum(u, per, at);
    const rising = slope(u, per, at) > 0;
    if (w > limit || (w >= limit && rising)) return at;
    if (rising && at + (limit - w) < next) return at + (limit - w);
  }
  return undefined;
}

/** The earliest t >= from at which use starts leaving the window (the sum goes down). */
export function nextFree(u: readonly Interval[], per: number, from: number): number | undefined {
  for (const p of breakpoints(u, per, from)) if (slope(u, per, p) < 0) return p;
  return undefined;
}

/**
 * Whether access `r` held as well keeps the window sum at or under `limit` from the later of
 * `now` and its start on (before that, it adds nothing).
 */
export function fits(
  u: readonly Interval[],
  per: number,
  limit: number,
  r: Interval,
  now: number,
): boolean {
  return peakWindowSum(union([...u, r]), per, Math.max(now, r.start)) <= limit;
}

/**
 * The earliest start t0 >= now at which access lasting `d` fits (see `fits`), or undefined when
 * none does (more than the limit in one window, or access without end in the way). Let F(t0) be
 * the peak with the access added at t0. Between the points where t0 or t0 + d meets a held
 * interval's end (shifted by the window) or now, every candidate peak moment moves linearly with
 * t0, so F is a maximum of linear functions there: convex. Each such piece is searched exactly:
 * its start, else (F falling then rising) its lowest point, then bisection (to the unit of the
 * inputs: milliseconds) for the first t0 that fits. Past the last point F is constant.
 */
export function earliestFit(
  u: readonly Interval[],
  per: number,
  limit: number,
  d: number,
  now: number,
): number | undefined {
  if (Math.min(d, per) > limit) return undefined;
  const peak = (t0: number) =>
    peakWindowSum(union([...u, { start: t0, end: t0 + d }]), per, Math.max(now, t0));
  const ok = (t0: number) => peak(t0) <= limit;
  const edges = [now, ...u.flatMap((i) => [i.start, i.end])];
  const points = [
    ...new Set(edges.flatMap((e) => [0, -d, -per, -d - per, per, per - d].map((c) => e + c))),
  ]
    .filter((t) => t >= now && Number.isFinite(t))
    .sort((a, b) => a - b);
  if (ok(now)) return now;
  for (let k = 0; k + 1 < points.length; k++) {
    const a = points[k] ?? now;
    const b = points[k + 1] ?? now;
    if (ok(b)) return firstFit(ok, a, b);
    if (b - a < 2 || !(peak(a + 1) < peak(a) && peak(b - 1) < peak(b))) continue;
    // Falling then rising: the lowest point is where the slope turns.
    let lo = a;
    let hi = b;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (peak(mid + 1) < peak(mid)) lo = mid;
      else hi = mid;
    }
    if (ok(hi)) return firstFit(ok, a, hi);
  }
  return undefined;
}

/** The first t in (bad, good] that fits, `bad` not fitting and `good` fitting, on a convex piece. */
function firstFit(ok: (t: number) => boolean, bad: number, good: number): number {
  let lo = bad;
  let hi = good;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (ok(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}
