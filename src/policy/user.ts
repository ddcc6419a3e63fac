// Per-user evaluation over the approved requests in force: each enabled rule, in holdings order
// (registry.ts), walks what the rules before it kept, and each request it locks becomes a lock
// decision. Requests kept get no decision (silence means "may stay"); exempt requests in force get
// an action-'none' record. No clock.
import type { AccessRequest } from '../domain/accessRequest';
import type { Lock } from '../domain/lock';
import { lockDecision } from './decision';
import { exemptDecision, exemption } from './exempt';
import { inForce, lockedRequestIds, newestFirst, toHolding } from './holdings';
import { checksRun, holdingsOrder } from './registry';
import type { Holding } from './rule';
import type { Decision, Policy } from './types';
import type { UserUsage } from './usage';

/**
 * Decisions for one user's requests (others' are ignored), newest request first. A request locked
 * before by the watcher (previousWatcherLocks) whose lock has gone gets its lock back, and the
 * reason says it is a recreation. `usage`: the user's ledger observed at `now` (budgets).
 */
export function evaluateUser(
  user: string,
  requests: AccessRequest[],
  locks: Lock[],
  policy: Policy,
  now: Date,
  previousWatcherLocks: string[] = [],
  usage?: UserUsage,
): Decision[] {
  const locked = lockedRequestIds(locks, now);
  const holding = requests
    .filter((r) => r.user === user && inForce(r, locked, now))
    .sort(newestFirst);

  const byRequest = new Map<string, Decision>();
  let remaining: Holding[] = [];
  for (const request of holding) {
    const ex = exemption(request, policy);
    if (ex) byRequest.set(request.id, exemptDecision(request, policy, ex));
    else remaining.push(toHolding(request));
  }

  const checks = checksRun(policy);
  const before = new Set(previousWatcherLocks);
  for (const rule of holdingsOrder(policy)) {
    const context = { now, policy, holdings: remaining };
    const verdicts = rule.holdings(usage ? { ...context, usage } : context);
    for (const { request, reason, details } of verdicts) {
      const recreated = before.has(request.id);
      const decision = lockDecision(
        request,
        policy,
        rule.name,
        reason,
        { checks, ...details },
        recreated,
      );
      byRequest.set(request.id, decision);
    }
    const lockedNow = new Set(verdicts.map((v) => v.request.id));
    remaining = remaining.filter((h) => !lockedNow.has(h.request.id));
  }
  return holding.flatMap((r) => byRequest.get(r.id) ?? []);
}
