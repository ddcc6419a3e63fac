// When access in force will use an hours budget up: the moment the budget rule locks it, so the
// watcher's durable timer can wake for it (deadlines.ts). Kept apart from budgetRule.ts so that
// deadlines.ts needs the ledger's arithmetic only, not the rule and its registry.
import type { AccessRequest } from '../domain/accessRequest';
import type { Lock } from '../domain/lock';
import { budgetedEnvironments, limitsFor } from './budgets';
import type { Deadline } from './deadlines';
import { hasBudgets, intervalsOf, observeUsage, spell, NO_END } from './ledger';
import { compareStrings } from './patterns';
import { exhaustion, union } from './slidingWindow';
import type { Policy } from './types';
import type { UserUsage } from './usage';

/** One 'budget-exhausted' deadline per environment whose hours budget in-force access will use up. */
export function budgetExhaustionDeadlines(
  user: string,
  requests: AccessRequest[],
  locks: Lock[],
  policy: Policy,
  now: Date,
  usage?: UserUsage,
): Deadline[] {
  if (!hasBudgets(policy)) return [];
  const t = now.getTime();
  const seen = observeUsage(usage, user, requests, locks, policy, now, now.toISOString());
  const deadlines: Deadline[] = [];
  for (const env of budgetedEnvironments(policy)) {
    const u = union(intervalsOf(seen.spans, env.pattern));
    let best: { at: number; text: string; per: string } | undefined;
    for (const limit of limitsFor(env, user)) {
      if (limit.kind !== 'hours') continue;
      const at = exhaustion(u, limit.perMs, limit.limit, t);
      if (at !== undefined && at > t && (!best || at < best.at))
        best = { at, text: spell(limit.limit), per: limit.per };
    }
    if (!best) continue;
    const at = best.at;
    // The newest access held at that moment: the one the lock takes first.
    const holder = seen.spans
      .filter((s) => s.environment === env.pattern)
      .filter((s) => {
        const end = s.end === NO_END ? Infinity : Date.parse(s.end);
        return Date.parse(s.start) <= at && at < end;
      })
      .sort(
        (a, b) => compareStrings(b.start, a.start) || compareStrings(a.requestId, b.requestId),
      )[0];
    if (!holder) continue;
    deadlines.push({
      at: new Date(at).toISOString(),
      user,
      requestId: holder.requestId,
      kind: 'budget-exhausted',
      what: `lock ${holder.requestId}: ${best.text} budget of ${env.pattern} in ${best.per} used up`,
      pattern: env.pattern,
    });
  }
  return deadlines;
}
