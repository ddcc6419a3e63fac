// The deadlines a sweep collects and the watcher keeps: the earliest one of each user, the
// earliest few overall, so the carried state and a sweep's result stay small however many users
// have one. Deadlines are in Teleport's time; the watcher turns them into workflow time with the
// offset the latest sweep measured. Pure: imported by workflow code (no Temporal imports, no clock).
import type { Deadline } from '../../policy/deadlines';

/** Deadlines kept at most; a user past them is found again by a full evaluation (see `cut`). */
export const MAX_DEADLINES = 50;

export interface DeadlineList {
  /** Earliest first, one per user. */
  deadlines: Deadline[];
  /** More users had deadlines than were kept: those after the last kept one were dropped. */
  cut: boolean;
}

/**
 * `kept` with `found` added: a user's new deadline replaces the one kept for them, one per user
 * (their earliest), earliest first (ties by user), at most `limit`.
 */
export function keepEarliest(
  kept: readonly Deadline[],
  found: readonly Deadline[],
  limit = MAX_DEADLINES,
): DeadlineList {
  const byUser = new Map<string, Deadline>();
  const replaced = new Set(found.map((d) => d.user));
  for (const d of kept) if (!replaced.has(d.user)) earliestOf(byUser, d);
  for (const d of found) earliestOf(byUser, d);
  const all = [...byUser.values()].sort(byTime);
  return { deadlines: all.slice(0, limit), cut: all.length > limit };
}

/** The deadlines due by `dueByMs` (Teleport's time, ms since the epoch), and the rest. */
export function takeDue(
  deadlines: readonly Deadline[],
  dueByMs: number,
): { due: Deadline[]; rest: Deadline[] } {
  return {
    due: deadlines.filter((d) => Date.parse(d.at) <= dueByMs),
    rest: deadlines.filter((d) => Date.parse(d.at) > dueByMs),
  };
}

function earliestOf(byUser: Map<string, Deadline>, d: Deadline): void {
  const current = byUser.get(d.user);
  if (!current || byTime(d, current) < 0) byUser.set(d.user, d);
}

function byTime(a: Deadline, b: Deadline): number {
  const at = Date.parse(a.at) - Date.parse(b.at);
  if (at !== 0) return at;
  if (a.user !== b.user) return a.user < b.user ? -1 : 1;
  return a.requestId < b.requestId ? -1 : a.requestId > b.requestId ? 1 : 0;
}
