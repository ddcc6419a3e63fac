// The moments at which a user's evaluation can change without anything in Teleport changing:
// an approved access that starts later, and (rules add their own kinds) a window closing or a
// maximum access duration reached. The watcher keeps one durable timer for the earliest of them
// and evaluates the users concerned when it fires. Pure: `now` is an input, times are RFC 3339.
import type { AccessRequest } from '../domain/accessRequest';
import type { Lock } from '../domain/lock';
import { lockedRequestIds } from './holdings';
import { compareStrings } from './patterns';
import type { Policy } from './types';

/** What happens at a deadline: the user's evaluation is due again for this reason. */
export type DeadlineKind = 'starts';

export interface Deadline {
  /** RFC 3339, in Teleport's time (the evaluation's `now`). */
  at: string;
  user: string;
  requestId: string;
  kind: DeadlineKind;
  /** One line for `status` and the Web UI: what the watcher will do then. */
  what: string;
}

/**
 * Every future deadline of one user's requests, earliest first (ties by request id). Only
 * deadlines after `now` are returned: one already passed is the evaluation's business now.
 */
export function userDeadlines(
  user: string,
  requests: AccessRequest[],
  locks: Lock[],
  policy: Policy,
  now: Date,
): Deadline[] {
  void policy; // the time rules read their limits from it
  const locked = lockedRequestIds(locks, now);
  const deadlines: Deadline[] = [];
  for (const request of requests) {
    if (request.user !== user || request.state !== 'APPROVED' || locked.has(request.id)) continue;
    const start = request.assumeStartTime;
    if (start && start.getTime() > now.getTime())
      deadlines.push({
        at: start.toISOString(),
        user,
        requestId: request.id,
        kind: 'starts',
        what: `evaluate ${user}: access of ${request.id} starts`,
      });
  }
  return deadlines.sort(
    (a, b) => compareStrings(a.at, b.at) || compareStrings(a.requestId, b.requestId),
  );
}
