// Per-user evaluation over the approved requests in force: environment separation first, then the
// resource limit over what remains, each violation a lock decision. Requests kept get no decision
// (silence means "may stay"); exempt requests in force get an action-'none' record. No clock.
import type { AccessRequest } from '../domain/accessRequest';
import type { Lock } from '../domain/lock';
import { lockDecision } from './decision';
import { exemptDecision, exemption } from './exempt';
import { inForce, lockedRequestIds, newestFirst, type LockVerdict } from './holdings';
import { limitResources } from './resourceLimit';
import { separateEnvironments } from './separation';
import type { Decision, Policy } from './types';

/**
 * Decisions for one user's requests (others' are ignored), newest request first. A request locked
 * before by the watcher (previousWatcherLocks) whose lock has gone gets its lock back, and the
 * reason says it is a recreation.
 */
export function evaluateUser(
  user: string,
  requests: AccessRequest[],
  locks: Lock[],
  policy: Policy,
  now: Date,
  previousWatcherLocks: string[] = [],
): Decision[] {
  const locked = lockedRequestIds(locks, now);
  const holding = requests
    .filter((r) => r.user === user && inForce(r, locked, now))
    .sort(newestFirst);

  const byRequest = new Map<string, Decision>();
  const judged: AccessRequest[] = [];
  for (const request of holding) {
    const ex = exemption(request, policy);
    if (ex) byRequest.set(request.id, exemptDecision(request, policy, ex));
    else judged.push(request);
  }

  const verdicts: LockVerdict[] = [];
  let remaining = judged;
  if (policy.roleConflicts) {
    const walk = separateEnvironments(remaining, policy);
    verdicts.push(...walk.locked);
    remaining = walk.kept;
  }
  if (policy.resourceLimit) verdicts.push(...limitResources(remaining, policy).locked);

  const before = new Set(previousWatcherLocks);
  for (const v of verdicts) {
    const recreated = before.has(v.request.id);
    byRequest.set(
      v.request.id,
      lockDecision(v.request, policy, v.policy, v.reason, v.details, recreated),
    );
  }
  return holding.flatMap((r) => byRequest.get(r.id) ?? []);
}
