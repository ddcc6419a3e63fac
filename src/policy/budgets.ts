// An environment entry's budgets as numbers for one user: each `budget` item split into its hours
// and grants limits (a per-user override applied), and the cooldown. Shared by the budget rule,
// the ledger (which environments it keeps spans for, how long) and the usage report.
import { parseBudgetDuration } from './schema';
import type { Budget, Environment, Policy } from './types';

/** One limit of one environment for one user, in milliseconds (hours) or a count (grants). */
export interface BudgetLimit {
  kind: 'hours' | 'grants';
  /** Hours: milliseconds of access; grants: approvals. After the user's override. */
  limit: number;
  /** The window as written ("7d") and in milliseconds. */
  per: string;
  perMs: number;
  /** The user has an override for this limit. */
  overridden: boolean;
}

/** The entry's `budget` as a list (it may be written as one item). */
export function budgetItems(env: Pick<Environment, 'budget'>): Budget[] {
  if (env.budget === undefined) return [];
  return Array.isArray(env.budget) ? env.budget : [env.budget];
}

/** The environment entries with a budget or a cooldown, in policy order. */
export function budgetedEnvironments(policy: Policy): Environment[] {
  return (policy.environments ?? []).filter(
    (e) => e.budget !== undefined || e.cooldown !== undefined,
  );
}

/** The entry's limits for `user`, in the order written (hours before grants within an item). */
export function limitsFor(env: Environment, user: string): BudgetLimit[] {
  const limits: BudgetLimit[] = [];
  for (const item of budgetItems(env)) {
    const perMs = parseBudgetDuration(item.per);
    if (perMs === undefined) continue;
    const override = (env.overrides ?? []).find(
      (o) => o.user === user && (o.per === undefined || parseBudgetDuration(o.per) === perMs),
    );
    if (item.hours !== undefined) {
      const hours = override?.hours ?? item.hours;
      limits.push({
        kind: 'hours',
        limit: Math.round(hours * 3_600_000),
        per: item.per,
        perMs,
        overridden: override?.hours !== undefined,
      });
    }
    if (item.grants !== undefined) {
      limits.push({
        kind: 'grants',
        limit: override?.grants ?? item.grants,
        per: item.per,
        perMs,
        overridden: override?.grants !== undefined,
      });
    }
  }
  return limits;
}

/** The entry's cooldown in milliseconds; 0 without one. */
export function cooldownMs(env: Pick<Environment, 'cooldown'>): number {
  return env.cooldown === undefined ? 0 : (parseBudgetDuration(env.cooldown) ?? 0);
}
