// Budgets per environment over time (`budget: {hours: 8, per: 7d}`, `{grants: 3, per: 1d}`,
// `cooldown: 1h`, per-user `overrides`): a pending request that would go over one is denied, or
// left to humans with `over: humans`, its reason saying what was used and when enough frees up;
// access in force whose use reaches an hours budget is locked then (deadlines.ts says when).
// Earlier use comes from the user's ledger (RuleContext.usage); without one, only what is held now.
import type { AccessRequest } from '../domain/accessRequest';
import { budgetedEnvironments, limitsFor, type BudgetLimit } from './budgets';
import { describeEnvironment, environmentsFor, type EnvironmentMatch } from './environments';
import { cooldownUntil, grantsInWindow, intervalsOf, NO_END, plannedEnd, spell } from './ledger';
import { accessStart } from './maxAccess';
import type { Holding, LockVerdict, Rule, RuleContext } from './rule';
import {
  clipAt,
  covered,
  earliestFit,
  exhaustion,
  fits,
  union,
  windowSum,
  type Interval,
} from './slidingWindow';
import type { UsageSpan, UserUsage } from './usage';

declare module './types' {
  interface DecisionDetails {
    /** The budget that denied, escalated or locked the request. */
    budget?: BudgetFacts;
  }
}

/** What a budget decision rests on; plain JSON. */
export interface BudgetFacts {
  /** The environment entry's pattern. */
  environment: string;
  kind: 'hours' | 'grants' | 'cooldown';
  /** The window as written ("7d"); the cooldown as written for kind 'cooldown'. */
  per: string;
  /** The budget after the user's override: "8h", or "3" grants. */
  allowed?: string;
  /** Used in the window ending now: "7h30m", or "3" grants. */
  used?: string;
  /** RFC 3339: when enough frees up for the request (or the cooldown ends). */
  freeFrom?: string;
  /** RFC 3339: the ledger's start, when the window reaches back before it. */
  ledgerSince?: string;
}

export const budgetRule: Rule<'budget'> = {
  name: 'budget',
  options: [],
  enabled: (policy) => budgetedEnvironments(policy).length > 0,

  pending(request, context) {
    const usage = usageOf(request.user, context);
    const found = environmentsFor(request, budgetedEnvironments(context.policy)).flatMap((env) => {
      const over = overBudget(request, env, usage, context);
      return over ? [{ env, ...over }] : [];
    });
    const decisive = found.find((f) => f.env.over !== 'humans') ?? found[0];
    if (!decisive) return { facts: {} };
    const facts = { budget: decisive.facts };
    if (decisive.env.over === 'humans') {
      return { facts, escalate: `${decisive.reason}; left to human reviewers` };
    }
    return { facts, deny: decisive.reason };
  },

  summary: (details) =>
    details.budget
      ? details.budget.kind === 'cooldown'
        ? `cooldown in ${details.budget.environment}`
        : `${details.budget.kind} budget of ${details.budget.environment} used up`
      : undefined,

  holdingsPhase: 'count',
  holdings: lockWhenUsedUp,
};

/** The user's ledger, or (none given) an empty one starting now: earlier use unknown. */
function usageOf(user: string, { usage, now }: RuleContext): UserUsage {
  return usage ?? { user, since: now.toISOString(), spans: [] };
}

interface Over {
  reason: string;
  facts: BudgetFacts;
}

/** Why the request does not fit a budget or the cooldown of `env`; undefined when it does. */
function overBudget(
  request: AccessRequest,
  env: EnvironmentMatch,
  usage: UserUsage,
  { policy, now }: RuleContext,
): Over | undefined {
  const t = now.getTime();
  const others = usage.spans.filter((s) => s.requestId !== request.id);
  const where = describeEnvironment(env);
  const since = Date.parse(usage.since);
  const start = accessStart(request).getTime();
  const r: Interval = { start, end: plannedEnd(request, policy) };
  const limits = limitsFor(env, request.user);
  const u = clipAtExhaustion(union(intervalsOf(others, env.pattern)), limits, t);

  for (const limit of limits) {
    const partial = t - limit.perMs < since;
    const unknown = partial ? ` (ledger starts ${stamp(since)}; earlier use unknown)` : '';
    const base = { environment: env.pattern, kind: limit.kind, per: limit.per };
    const ledgerSince = partial ? { ledgerSince: usage.since } : {};
    if (limit.kind === 'grants') {
      const grants = grantsInWindow(others, env.pattern, limit.perMs, t);
      if (grants.length + 1 <= limit.limit) continue;
      const next = (grants[grants.length - limit.limit] ?? t) + limit.perMs;
      return {
        reason:
          `Over budget: ${grants.length} of ${limit.limit} grants in the last ${limit.per} in ${where}; ` +
          `next from ${clock(next, t)}${unknown}`,
        facts: {
          ...base,
          allowed: String(limit.limit),
          used: String(grants.length),
          freeFrom: new Date(next).toISOString(),
          ...ledgerSince,
        },
      };
    }
    if (fits(u, limit.perMs, limit.limit, r, t)) continue;
    const used = windowSum(u, limit.perMs, t);
    const d = r.end - r.start;
    const facts: BudgetFacts = {
      ...base,
      allowed: spell(limit.limit),
      used: spell(used),
      ...ledgerSince,
    };
    const head = `Over budget: used ${spell(used)} of ${spell(limit.limit)} in the last ${limit.per} in ${where}`;
    if (Math.min(d, limit.perMs) > limit.limit) {
      const asked = d === Infinity ? 'access without end' : spell(d);
      const most = spell(limit.limit);
      return {
        reason:
          `Over budget: the ${asked} asked is more than the ${most} budget per ${limit.per} ` +
          `in ${where}; ask for at most ${most} (tsh request create --max-duration ${most})`,
        facts,
      };
    }
    const from = earliestFit(u, limit.perMs, limit.limit, d, t);
    if (from === undefined) {
      return {
        reason: `${head}; nothing frees up while access without end is held${unknown}`,
        facts,
      };
    }
    return {
      reason: `${head}; ${spell(d)} free again from ${clock(from, t)}${unknown}`,
      facts: { ...facts, freeFrom: new Date(from).toISOString() },
    };
  }

  const until = cooldownUntil(others, env, Math.max(start, t));
  if (until !== undefined && Math.max(start, t) < until) {
    return {
      reason: `Cooldown in ${where} until ${clock(until, t)}: ${env.cooldown ?? ''} after the last grant ends`,
      facts: {
        environment: env.pattern,
        kind: 'cooldown',
        per: env.cooldown ?? '',
        freeFrom: new Date(until).toISOString(),
      },
    };
  }
  return undefined;
}

/**
 * Held access as it will be: cut where it uses up the first hours budget (the watcher locks it
 * then), so a prediction never counts use past that lock.
 */
function clipAtExhaustion(u: Interval[], limits: BudgetLimit[], t: number): Interval[] {
  let cut = Infinity;
  for (const limit of limits) {
    if (limit.kind !== 'hours') continue;
    cut = Math.min(cut, exhaustion(u, limit.perMs, limit.limit, t) ?? Infinity);
  }
  return cut === Infinity ? u : clipAt(u, cut);
}

/** Holdings in an environment whose hours budget is used up now: locked, newest first. */
function lockWhenUsedUp(context: RuleContext): LockVerdict[] {
  const { policy, now, holdings } = context;
  const t = now.getTime();
  const lockedIds = new Set<string>();
  const locked: LockVerdict[] = [];
  for (const env of budgetedEnvironments(policy)) {
    const held = holdings.filter(
      (h) => !lockedIds.has(h.request.id) && environmentsFor(h.request, [env]).length > 0,
    );
    const first = held[0];
    if (!first) continue;
    const usage = usageOf(first.request.user, context);
    const u = union(intervalsOf(heldSpans(usage.spans, held, env.pattern, context), env.pattern));
    if (!covered(u, t)) continue;
    const limits = limitsFor(env, first.request.user).filter((l) => l.kind === 'hours');
    const usedUp = limits.find((l) => exhaustion(u, l.perMs, l.limit, t) === t);
    if (!usedUp) continue;
    const match = environmentsFor(first.request, [env])[0];
    const where = match ? describeEnvironment(match) : JSON.stringify(env.pattern);
    const used = windowSum(u, usedUp.perMs, t);
    for (const { request } of held) {
      lockedIds.add(request.id);
      locked.push({
        request,
        reason:
          `Budget used up: ${spell(usedUp.limit)} budget of ${where} in ${usedUp.per} used up ` +
          `(held ${spell(used)} in the last ${usedUp.per}); ask again when it frees up (jit-watcher usage shows when)`,
        details: {
          budget: {
            environment: env.pattern,
            kind: 'hours',
            per: usedUp.per,
            allowed: spell(usedUp.limit),
            used: spell(used),
          },
        },
      });
    }
  }
  return locked;
}

/**
 * The environment's spans as this evaluation sees them: the ledger's, with the holdings' own
 * (start to planned end), and access the ledger thought in force that no holding is any more
 * (taken out by a rule before this one, or locked) ended now.
 */
function heldSpans(
  spans: readonly UsageSpan[],
  held: readonly Holding[],
  environment: string,
  { policy, now }: RuleContext,
): UsageSpan[] {
  const t = now.getTime();
  const ids = new Set(held.map((h) => h.request.id));
  const fromLedger = spans
    .filter((s) => s.environment === environment && !ids.has(s.requestId))
    .map((s) => {
      const start = Date.parse(s.start);
      const end = s.end === NO_END ? Infinity : Date.parse(s.end);
      return start <= t && end > t ? { ...s, end: now.toISOString() } : s;
    });
  const fromHoldings = held.map((h): UsageSpan => {
    const end = plannedEnd(h.request, policy);
    return {
      requestId: h.request.id,
      environment,
      start: h.start.toISOString(),
      end: end === Infinity ? NO_END : new Date(end).toISOString(),
      grantedAt: h.start.toISOString(),
    };
  });
  return [...fromLedger, ...fromHoldings];
}

/** "2026-12-06 10:00 UTC". */
function stamp(at: number): string {
  const iso = new Date(at).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** "14:00 UTC" today, "Tue 14:00 UTC" within a week, else "Tue 2026-01-13 14:00 UTC". */
export function clock(at: number, now: number): string {
  const iso = new Date(at).toISOString();
  const hm = `${iso.slice(11, 16)} UTC`;
  if (iso.slice(0, 10) === new Date(now).toISOString().slice(0, 10)) return hm;
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][new Date(at).getUTCDay()] ?? '';
  if (Math.abs(at - now) < 6 * 86_400_000) return `${day} ${hm}`;
  return `${day} ${iso.slice(0, 10)} ${hm}`;
}
