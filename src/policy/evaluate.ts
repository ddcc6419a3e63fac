// The whole-snapshot evaluation and its model of the result. Pending decisions come first and
// count at once, so the user evaluation that follows already sees the approvals: that is what
// makes applying the decisions a fixed point. Pure: nothing here talks to Teleport or a clock.
import type { AccessRequest } from '../domain/accessRequest';
import type { Lock } from '../domain/lock';
import { countApproval, hasBudgets, observeUsage } from './ledger';
import { compareStrings } from './patterns';
import { oldestFirst } from './holdings';
import { evaluatePending } from './pending';
import { evaluateUser } from './user';
import type { Decision, Policy, Snapshot } from './types';
import type { UserUsage } from './usage';
import { markApprovedByWatcher } from './watcherApproval';

/**
 * Pending decisions (oldest request first), then each user's lock and exempt decisions (users in
 * code-unit order, newest request first). The order and content do not depend on input order.
 * With budgets, each user's ledger (snapshot.usage) is observed at `now` and each approval counts
 * in it before the user's next pending request is judged, so two cannot share the last hour.
 */
export function evaluate(snapshot: Snapshot, policy: Policy): Decision[] {
  const { now } = snapshot;
  const pending = snapshot.requests.filter((r) => r.state === 'PENDING').sort(oldestFirst);
  const ledgers = hasBudgets(policy) ? new Ledgers(snapshot, policy) : undefined;
  const pendingDecisions = pending.map((r) => {
    const decision = evaluatePending(r, policy, now, ledgers?.usage(r.user));
    if (decision.action === 'approve') ledgers?.approve(r);
    return decision;
  });

  // Approved as the watcher approves (watcherApproval.ts), so the time rules see whose they are.
  const approved = new Map(
    pendingDecisions.filter((d) => d.action === 'approve').map((d) => [d.requestId, d.id]),
  );
  const afterPending = snapshot.requests.map((r) => {
    const id = approved.get(r.id);
    return id === undefined ? r : markApprovedByWatcher(r, id);
  });
  const users = [...new Set(afterPending.map((r) => r.user))].sort(compareStrings);
  const userDecisions = users.flatMap((user) =>
    evaluateUser(
      user,
      afterPending,
      snapshot.locks,
      policy,
      now,
      snapshot.previousWatcherLocks,
      ledgers?.usage(user),
    ),
  );
  return [...pendingDecisions, ...userDecisions];
}

/** Each user's ledger during one evaluation: observed at `now`, then updated by each approval. */
class Ledgers {
  private readonly byUser = new Map<string, UserUsage>();
  private readonly before: Map<string, UserUsage>;
  private readonly requestsOf = new Map<string, AccessRequest[]>();

  constructor(
    private readonly snapshot: Snapshot,
    private readonly policy: Policy,
  ) {
    this.before = new Map((snapshot.usage ?? []).map((u) => [u.user, u]));
    // Grouped once: a sweep's snapshot holds every user's requests.
    for (const r of snapshot.requests) {
      const list = this.requestsOf.get(r.user);
      if (list) list.push(r);
      else this.requestsOf.set(r.user, [r]);
    }
  }

  usage(user: string): UserUsage {
    let usage = this.byUser.get(user);
    if (!usage) {
      const { now, locks, usageSince } = this.snapshot;
      const requests = this.requestsOf.get(user) ?? [];
      const since = usageSince ?? now.toISOString();
      usage = observeUsage(this.before.get(user), user, requests, locks, this.policy, now, since);
      this.byUser.set(user, usage);
    }
    return usage;
  }

  /** Counts the approval in the user's ledger, as the next observation of Teleport would. */
  approve(request: AccessRequest): void {
    this.byUser.set(
      request.user,
      countApproval(this.usage(request.user), request, this.policy, this.snapshot.now),
    );
  }
}

/**
 * The snapshot as it would be once the decisions are carried out, as Teleport would do it: state
 * changes apply to pending requests only, and a lock replaces any lock of the same name.
 * Dry-run decisions are applied too: this models the decisions; skipping side effects is the
 * caller's job.
 */
export function applyDecisions(snapshot: Snapshot, decisions: Decision[]): Snapshot {
  const states = new Map<string, { state: 'APPROVED' | 'DENIED'; reason: string; id: string }>();
  const newLocks: Lock[] = [];
  for (const d of decisions) {
    if (d.action === 'approve')
      states.set(d.requestId, { state: 'APPROVED', reason: d.reason, id: d.id });
    if (d.action === 'deny')
      states.set(d.requestId, { state: 'DENIED', reason: d.reason, id: d.id });
    if (d.action === 'lock' && d.details.lock) {
      const spec = d.details.lock;
      const lock: Lock = {
        name: spec.name,
        target: { accessRequest: d.requestId },
        message: spec.message,
        createdAt: snapshot.now,
      };
      if (spec.expires !== undefined) lock.expires = new Date(spec.expires);
      newLocks.push(lock);
    }
  }
  const requests = snapshot.requests.map((r): AccessRequest => {
    const change = states.get(r.id);
    if (!change || r.state !== 'PENDING') return r;
    const resolved = { ...r, state: change.state, resolveReason: change.reason };
    return change.state === 'APPROVED' ? markApprovedByWatcher(resolved, change.id) : resolved;
  });
  const replaced = new Set(newLocks.map((l) => l.name));
  const locks = [...snapshot.locks.filter((l) => !replaced.has(l.name)), ...newLocks];
  const watcherLocked = new Set([
    ...(snapshot.previousWatcherLocks ?? []),
    ...decisions.filter((d) => d.action === 'lock').map((d) => d.requestId),
  ]);
  const result: Snapshot = { now: snapshot.now, requests, locks };
  if (snapshot.usage) result.usage = snapshot.usage;
  if (snapshot.usageSince !== undefined) result.usageSince = snapshot.usageSince;
  if (watcherLocked.size > 0 || snapshot.previousWatcherLocks) {
    result.previousWatcherLocks = [...watcherLocked].sort(compareStrings);
  }
  return result;
}
