// The moments at which a user's evaluation can change without anything in Teleport changing: an
// approved access that starts later, a window closing on access the watcher approved (closeLocks),
// a maximum access duration reached, and an hours budget used up by access in force. The watcher keeps one durable timer for the earliest of
// them and evaluates the users concerned when it fires. Pure: `now` is an input, times are RFC 3339.
import type { AccessRequest } from '../domain/accessRequest';
import type { Lock } from '../domain/lock';
import { budgetExhaustionDeadlines } from './budgetDeadlines';
import { lockedRequestIds } from './holdings';
import { maxAccessDeadline } from './maxAccess';
import { compareStrings } from './patterns';
import type { Policy } from './types';
import type { UserUsage } from './usage';
import { windowCloseDeadline } from './windowRule';

/**
 * What happens at a deadline: the user's evaluation is due again because the access starts
 * ('starts'), a closeLocks window closes on it ('window-closes': lock), or its maxAccess is
 * reached ('max-access': lock), or access in force uses an hours budget up ('budget-exhausted': lock). An evaluation at `at` produces the lock the 'what' line names
 * (unless the policy or Teleport changed before).
 */
export type DeadlineKind = 'starts' | 'window-closes' | 'max-access' | 'budget-exhausted';

export interface Deadline {
  /** RFC 3339, in Teleport's time (the evaluation's `now`). */
  at: string;
  user: string;
  requestId: string;
  kind: DeadlineKind;
  /** One line for `status` and the Web UI: what the watcher will do then. */
  what: string;
  /** The environment's pattern, for the kinds a rule of an environment sets. */
  pattern?: string;
}

/**
 * Every future deadline of one user's requests, earliest first (ties by request id, then kind).
 * Only deadlines after `now` are returned: one already passed is the evaluation's business now.
 * `usage`: the user's ledger (budgets); without it, budgets count what Teleport still shows.
 */
export function userDeadlines(
  user: string,
  requests: AccessRequest[],
  locks: Lock[],
  policy: Policy,
  now: Date,
  usage?: UserUsage,
): Deadline[] {
  const locked = lockedRequestIds(locks, now);
  const deadlines: Deadline[] = [];
  const after = (at: Date) => at.getTime() > now.getTime();
  for (const request of requests) {
    if (request.user !== user || request.state !== 'APPROVED' || locked.has(request.id)) continue;
    const start = request.assumeStartTime;
    if (start && after(start))
      deadlines.push({
        at: start.toISOString(),
        user,
        requestId: request.id,
        kind: 'starts',
        what: `evaluate ${user}: access of ${request.id} starts`,
      });
    const close = windowCloseDeadline(request, policy, now);
    if (close && after(close.at))
      deadlines.push({
        at: close.at.toISOString(),
        user,
        requestId: request.id,
        kind: 'window-closes',
        what: `lock ${request.id}: ${close.pattern} window closes`,
        pattern: close.pattern,
      });
    const reached = maxAccessDeadline(request, policy);
    if (reached && after(reached.at))
      deadlines.push({
        at: reached.at.toISOString(),
        user,
        requestId: request.id,
        kind: 'max-access',
        what: `lock ${request.id}: ${reached.text} of ${reached.pattern} access reached`,
        pattern: reached.pattern,
      });
  }
  deadlines.push(...budgetExhaustionDeadlines(user, requests, locks, policy, now, usage));
  return deadlines.sort(
    (a, b) =>
      compareStrings(a.at, b.at) ||
      compareStrings(a.requestId, b.requestId) ||
      compareStrings(a.kind, b.kind),
  );
}
