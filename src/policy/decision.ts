// How decisions and watcher locks are named and built, in one place so the id scheme (an
// idempotency key) and the lock-name prefix (how the watcher recognises its own locks) never drift.
// Builds plain JSON only: optional keys are omitted, never set to undefined.
import { accessEnd, type AccessRequest } from '../domain/accessRequest';
import type { Action, Decision, DecisionDetails, Policy, PolicyName } from './types';

/** Every lock the watcher creates starts with this; others' locks never do. */
export const WATCHER_LOCK_PREFIX = 'jit-watcher-';

export function watcherLockName(requestId: string): string {
  return `${WATCHER_LOCK_PREFIX}${requestId}`;
}

export function isWatcherLock(lockName: string): boolean {
  return lockName.startsWith(WATCHER_LOCK_PREFIX);
}

/** The same request, action and policy always give the same id, across runs and replays. */
export function decisionId(requestId: string, action: Action, policy: PolicyName): string {
  return `${requestId}/${action}/${policy}`;
}

/**
 * Teleport refuses a request or review reason of 4096 bytes or more (maxAccessRequestReasonSize,
 * lib/services/access_request.go); 1000 characters is under it in any UTF-8, with room for the
 * review suffix (review.ts).
 */
export const MAX_REASON_LENGTH = 1000;

/** One line, bounded: a reason is shown in `tsh request ls` and must fit Teleport's limit. */
export function oneLineReason(reason: string): string {
  const line = reason.replace(/\s+/g, ' ').trim();
  return line.length > MAX_REASON_LENGTH ? `${line.slice(0, MAX_REASON_LENGTH - 1)}…` : line;
}

export function makeDecision(
  request: AccessRequest,
  policy: Policy,
  action: Action,
  name: PolicyName,
  reason: string,
  details: DecisionDetails,
): Decision {
  const decision: Decision = {
    id: decisionId(request.id, action, name),
    requestId: request.id,
    user: request.user,
    action,
    policy: name,
    reason: oneLineReason(reason),
    details,
  };
  if (policy.dryRun) decision.dryRun = true;
  return decision;
}

/** A lock decision: the lock ends with the access it takes away (accessEnd), and carries the reason. */
export function lockDecision(
  request: AccessRequest,
  policy: Policy,
  name: PolicyName,
  reason: string,
  details: DecisionDetails,
  recreated: boolean,
): Decision {
  const message = oneLineReason(
    recreated ? `Recreating a watcher lock that was deleted: ${reason}` : reason,
  );
  const lock = { name: watcherLockName(request.id), message };
  const end = accessEnd(request);
  const withExpiry = end ? { ...lock, expires: end.toISOString() } : lock;
  const full: DecisionDetails = recreated
    ? { ...details, lockRecreated: true, lock: withExpiry }
    : { ...details, lock: withExpiry };
  return makeDecision(request, policy, 'lock', name, message, full);
}

/** `a, b, c and 4 more`: keeps reasons one readable line however many requests are involved. */
export function listIds(ids: string[], max = 3): string {
  if (ids.length <= max) return ids.join(', ');
  return `${ids.slice(0, max).join(', ')} and ${ids.length - max} more`;
}

/** "1 resource", "3 resources". */
export function resources(n: number): string {
  return n === 1 ? '1 resource' : `${n} resources`;
}
