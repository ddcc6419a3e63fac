// The ledger's pure side: how the watcher's view of Teleport at `now` updates one user's spans of
// access (usage.ts), how long spans matter, and the usage report. The durable side (where the
// spans live, src/temporal) calls observeUsage each time it looks at Teleport, so hours count what
// was actually held: from the access start to its expiry, a lock, the request's deletion, or now.
import { accessEnd, type AccessRequest } from '../domain/accessRequest';
import { formatDuration } from '../config/duration';
import type { Lock } from '../domain/lock';
import { budgetedEnvironments, cooldownMs, limitsFor, type BudgetLimit } from './budgets';
import { environmentsFor } from './environments';
import { exemption } from './exempt';
import { lockedRequestIds } from './holdings';
import { accessStart, maxAccessMs } from './maxAccess';
import { compareStrings } from './patterns';
import { exhaustion, nextFree, union, windowSum, type Interval } from './slidingWindow';
import type { Environment, Policy } from './types';
import type { UsageSpan, UserUsage } from './usage';
import { decisionId } from './decision';
import { approvedByWatcher, markApprovedByWatcher } from './watcherApproval';

export type { UsageSpan, UserUsage } from './usage';

/** Some environment entry has a budget or a cooldown: the ledger is needed. */
export function hasBudgets(policy: Policy): boolean {
  return budgetedEnvironments(policy).length > 0;
}

/**
 * How far back spans matter: the longest budget window plus the longest cooldown (0 without
 * budgets). A span that ended before now minus this is dropped.
 */
export function usageRetentionMs(policy: Policy): number {
  let per = 0;
  let cooldown = 0;
  for (const env of budgetedEnvironments(policy)) {
    for (const limit of limitsFor(env, '')) per = Math.max(per, limit.perMs);
    cooldown = Math.max(cooldown, cooldownMs(env));
  }
  return per + cooldown;
}

/**
 * The end of a request's access if nothing cuts it short: its expiry, or its maxAccess when the
 * watcher approved it or would (a pending request): only those are locked at maxAccess.
 */
export function plannedEnd(request: AccessRequest, policy: Policy): number {
  const end = accessEnd(request)?.getTime() ?? Infinity;
  const capped = request.state === 'PENDING' || approvedByWatcher(request);
  const max = capped ? maxAccessMs(request, policy) : undefined;
  return max === undefined ? end : Math.min(end, accessStart(request).getTime() + max);
}

/**
 * The ledger after looking at Teleport at `now` (see the file header). Deterministic (spans
 * sorted by start, environment, request id) and idempotent: observing the result again at the
 * same `now` with the same requests and locks returns it unchanged. A span that has ended (end
 * at or before now) never moves again.
 */
export function observeUsage(
  previous: UserUsage | undefined,
  user: string,
  requests: AccessRequest[],
  locks: Lock[],
  policy: Policy,
  now: Date,
  since: string,
): UserUsage {
  const envs = budgetedEnvironments(policy);
  const result: UserUsage = { user, since: previous?.since ?? since, spans: [] };
  if (envs.length === 0) return result;
  const t = now.getTime();
  const locked = lockedRequestIds(locks, now);
  const before = new Map((previous?.spans ?? []).map((s) => [spanKey(s), s]));
  const spans = new Map<string, UsageSpan>();

  for (const request of requests) {
    if (request.user !== user || request.state !== 'APPROVED' || exemption(request, policy))
      continue;
    const start = accessStart(request).getTime();
    // Teleport refuses a start after the expiry; a span never ends before it starts all the same.
    const planned = Math.max(start, plannedEnd(request, policy));
    for (const env of environmentsFor(request, envs)) {
      const key = spanKey({ environment: env.pattern, requestId: request.id });
      const prev = before.get(key);
      const prevEnd = prev === undefined ? undefined : Date.parse(prev.end);
      let end: number;
      if (prevEnd !== undefined && prevEnd <= t) end = prevEnd;
      else if (locked.has(request.id))
        end = Math.max(start, Math.min(planned, lockedSince(request.id, locks, now)));
      else end = planned;
      spans.set(key, {
        requestId: request.id,
        environment: env.pattern,
        start: iso(start),
        end: iso(end),
        grantedAt: prev?.grantedAt ?? iso(Math.min(start, t)),
      });
    }
  }
  // Spans whose request Teleport no longer shows approved (deleted): ended now if not before.
  const budgeted = new Set(envs.map((e) => e.pattern));
  for (const [key, prev] of before) {
    if (spans.has(key) || !budgeted.has(prev.environment)) continue;
    const start = Date.parse(prev.start);
    const end = Date.parse(prev.end);
    spans.set(key, end <= t ? prev : { ...prev, end: iso(Math.max(start, t)) });
  }
  const keepFrom = t - usageRetentionMs(policy);
  result.spans = sortSpans([...spans.values()].filter((s) => Date.parse(s.end) >= keepFrom));
  return result;
}

/**
 * The ledger with the watcher's approval of a pending request counted at `now`, as the next
 * observation of Teleport will count it: a span per budgeted environment, granted now (or at its
 * start, if that was earlier). For a caller that judges a user's pending requests one by one, so
 * the next is judged with this one counted. Other spans are left as they are.
 */
export function countApproval(
  usage: UserUsage,
  request: AccessRequest,
  policy: Policy,
  now: Date,
): UserUsage {
  const approved = markApprovedByWatcher(request, decisionId(request.id, 'approve', 'compliant'));
  const counted = observeUsage(undefined, usage.user, [approved], [], policy, now, usage.since);
  const added = new Set(counted.spans.map(spanKey));
  return {
    ...usage,
    spans: sortSpans([...usage.spans.filter((s) => !added.has(spanKey(s))), ...counted.spans]),
  };
}

function sortSpans(spans: UsageSpan[]): UsageSpan[] {
  return spans.sort(
    (a, b) =>
      compareStrings(a.start, b.start) ||
      compareStrings(a.environment, b.environment) ||
      compareStrings(a.requestId, b.requestId),
  );
}

function spanKey(s: Pick<UsageSpan, 'environment' | 'requestId'>): string {
  return `${s.environment}\u0000${s.requestId}`;
}

/** When the access was taken away: the earliest in-force lock on it that says, else now. */
function lockedSince(requestId: string, locks: Lock[], now: Date): number {
  let at = now.getTime();
  for (const lock of locks) {
    if (lock.target.accessRequest !== requestId || !lockedRequestIds([lock], now).size) continue;
    if (lock.createdAt !== undefined) at = Math.min(at, lock.createdAt.getTime());
  }
  return at;
}

function iso(ms: number): string {
  return ms === Infinity ? NO_END : new Date(ms).toISOString();
}

/** A span of access without expiry ends "never": the latest time JSON dates spell. */
export const NO_END = '9999-12-31T23:59:59.999Z';

/** One environment's spans as intervals (an unending span's end is Infinity). */
export function intervalsOf(spans: readonly UsageSpan[], environment: string): Interval[] {
  return spans
    .filter((s) => s.environment === environment)
    .map((s) => ({
      start: Date.parse(s.start),
      end: s.end === NO_END ? Infinity : Date.parse(s.end),
    }));
}

/** Grants (approvals) counted at `now` by a window: granted within (now - per, now]. */
export function grantsInWindow(
  spans: readonly UsageSpan[],
  environment: string,
  per: number,
  now: number,
): number[] {
  const seen = new Map<string, number>();
  for (const s of spans) {
    if (s.environment !== environment) continue;
    const at = Date.parse(s.grantedAt);
    if (at > now - per && at <= now) seen.set(s.requestId, at);
  }
  return [...seen.values()].sort((a, b) => a - b);
}

/** One budget of one environment for one user, as `usage` prints it and its query serves it. */
export interface BudgetUsage {
  /** 'hours': hours of access held; 'grants': approvals, by anyone. */
  kind: 'hours' | 'grants';
  /** The sliding window as written in the policy, e.g. "7d". */
  per: string;
  /** The budget, after the user's override: hours, or grants. */
  allowed: number;
  /** Used in the window ending now: hours (to 4 decimals), or grants. */
  used: number;
  /** allowed - used, never below 0. */
  remaining: number;
  /** The user has an override for this budget. */
  overridden: boolean;
  /** The window reaches back before the ledger starts: earlier use is unknown, `used` may be low. */
  partial: boolean;
  /** RFC 3339: the next moment use leaves the window (remaining goes up); absent when none will. */
  nextFree?: string;
  /** RFC 3339, hours only: when access in force uses the budget up (the watcher locks it then). */
  exhaustedAt?: string;
  /** One line: "7h30m of 8h in the last 7d" or "2 of 3 grants in the last 1d". */
  text: string;
}

/** One user's use of one environment entry with a budget or cooldown. */
export interface EnvironmentUsage {
  user: string;
  /** The environment entry's pattern. */
  environment: string;
  /** RFC 3339: when the ledger began; use before it is unknown. */
  ledgerSince: string;
  /** Some budget's window reaches back before ledgerSince. */
  partial: boolean;
  budgets: BudgetUsage[];
  /** The entry's cooldown as written, e.g. "1h". */
  cooldown?: string;
  /** RFC 3339: when the cooldown after the last grant ends, while it runs. */
  cooldownUntil?: string;
}

/** Per environment entry with a budget or a cooldown, in policy order: the user's use at `now`. */
export function usageReport(usage: UserUsage, policy: Policy, now: Date): EnvironmentUsage[] {
  const t = now.getTime();
  const since = Date.parse(usage.since);
  return budgetedEnvironments(policy).map((env) => {
    const budgets = limitsFor(env, usage.user).map((limit) =>
      budgetUsage(usage, env, limit, t, since),
    );
    const report: EnvironmentUsage = {
      user: usage.user,
      environment: env.pattern,
      ledgerSince: usage.since,
      partial: budgets.some((b) => b.partial),
      budgets,
    };
    if (env.cooldown !== undefined) {
      report.cooldown = env.cooldown;
      const until = cooldownUntil(usage.spans, env, t);
      if (until !== undefined && until > t) report.cooldownUntil = iso(until);
    }
    return report;
  });
}

function budgetUsage(
  usage: UserUsage,
  env: Environment,
  limit: BudgetLimit,
  t: number,
  since: number,
): BudgetUsage {
  const partial = t - limit.perMs < since;
  if (limit.kind === 'grants') {
    const grants = grantsInWindow(usage.spans, env.pattern, limit.perMs, t);
    const out: BudgetUsage = {
      kind: 'grants',
      per: limit.per,
      allowed: limit.limit,
      used: grants.length,
      remaining: Math.max(0, limit.limit - grants.length),
      overridden: limit.overridden,
      partial,
      text: `${grants.length} of ${limit.limit} grants in the last ${limit.per}`,
    };
    const oldest = grants[0];
    if (oldest !== undefined) out.nextFree = iso(oldest + limit.perMs);
    return out;
  }
  const u = union(intervalsOf(usage.spans, env.pattern));
  const used = windowSum(u, limit.perMs, t);
  const out: BudgetUsage = {
    kind: 'hours',
    per: limit.per,
    allowed: limit.limit / 3_600_000,
    used: hoursOf(used),
    remaining: hoursOf(Math.max(0, limit.limit - used)),
    overridden: limit.overridden,
    partial,
    text: `${spell(used)} of ${spell(limit.limit)} in the last ${limit.per}`,
  };
  const free = nextFree(u, limit.perMs, t);
  if (free !== undefined) out.nextFree = iso(free);
  const out_ = exhaustion(u, limit.perMs, limit.limit, t);
  if (out_ !== undefined) out.exhaustedAt = iso(out_);
  return out;
}

function hoursOf(ms: number): number {
  return Math.round((ms / 3_600_000) * 10_000) / 10_000;
}

/** When the cooldown after the grants that started by `at` ends: their latest end plus it. */
export function cooldownUntil(
  spans: readonly UsageSpan[],
  env: Environment,
  at: number,
  except?: string,
): number | undefined {
  const cd = cooldownMs(env);
  if (cd === 0) return undefined;
  let latest: number | undefined;
  for (const s of spans) {
    if (s.environment !== env.pattern || s.requestId === except) continue;
    if (Date.parse(s.start) > at) continue;
    const end = s.end === NO_END ? Infinity : Date.parse(s.end);
    latest = latest === undefined ? end : Math.max(latest, end);
  }
  return latest === undefined ? undefined : latest + cd;
}

/** A duration for a reason or report: to the minute (to the second under a minute). */
export function spell(ms: number): string {
  if (ms === Infinity) return 'without end';
  const rounded = ms < 60_000 ? Math.round(ms / 1000) * 1000 : Math.round(ms / 60_000) * 60_000;
  return formatDuration(rounded);
}
