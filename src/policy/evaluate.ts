// The whole-snapshot evaluation and its model of the result. Pending decisions come first and
// count at once, so the user evaluation that follows already sees the approvals: that is what
// makes applying the decisions a fixed point. Pure: nothing here talks to Teleport or a clock.
import type { AccessRequest } from '../domain/accessRequest';
import type { Lock } from '../domain/lock';
import { compareStrings } from './patterns';
import { oldestFirst } from './holdings';
import { evaluatePending } from './pending';
import { evaluateUser } from './user';
import type { Decision, Policy, Snapshot } from './types';
import { markApprovedByWatcher } from './watcherApproval';

/**
 * Pending decisions (oldest request first), then each user's lock and exempt decisions (users in
 * code-unit order, newest request first). The order and content do not depend on input order.
 */
export function evaluate(snapshot: Snapshot, policy: Policy): Decision[] {
  const { now } = snapshot;
  const pending = snapshot.requests.filter((r) => r.state === 'PENDING').sort(oldestFirst);
  const pendingDecisions = pending.map((r) => evaluatePending(r, policy, now));

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
    evaluateUser(user, afterPending, snapshot.locks, policy, now, snapshot.previousWatcherLocks),
  );
  return [...pendingDecisions, ...userDecisions];
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
  if (watcherLocked.size > 0 || snapshot.previousWatcherLocks) {
    result.previousWatcherLocks = [...watcherLocked].sort(compareStrings);
  }
  return result;
}
