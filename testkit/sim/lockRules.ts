// Teleport's lock target rules (api/types/lock.go): which locks a query target selects, how a
// watch filter map becomes a target, and the text of "lock in force" denials. Pure: no storage,
// and the matching must stay Teleport's (an empty query target selects nothing).
import { LOCK_TARGET_KEYS, type LockTarget } from '../../src/domain/lock';
import { lockTargetToWire } from '../../src/teleport/convert';
import { badParameter } from './errors';
import type { SimLock } from './model';

/** Teleport's JSON tag for each LockTarget key (the keys of a watch filter map). */
const TARGET_TAGS: Readonly<Record<keyof LockTarget, string>> = {
  user: 'user',
  role: 'role',
  login: 'login',
  node: 'node',
  mfaDevice: 'mfa_device',
  windowsDesktop: 'windows_desktop',
  accessRequest: 'access_request',
  device: 'device',
  serverId: 'server_id',
  botInstanceId: 'bot_instance_id',
  joinToken: 'join_token',
};

export function targetIsEmpty(t: LockTarget): boolean {
  return LOCK_TARGET_KEYS.every((field) => !t[field]);
}

/**
 * LockTarget.Match: every field set in the query must equal the lock's; Node and ServerID
 * select each other's locks as in Teleport, where a node lock also covers its server id.
 */
export function targetMatchesLock(query: LockTarget, lock: LockTarget): boolean {
  if (targetIsEmpty(query)) return false;
  for (const field of LOCK_TARGET_KEYS) {
    if (field === 'node' || field === 'serverId') continue;
    const want = query[field];
    if (want && lock[field] !== want) return false;
  }
  if (!query.node && !query.serverId) return true;
  return (
    (!!lock.node && lock.node === query.node) ||
    (!!lock.serverId && lock.serverId === query.serverId)
  );
}

/** GetLocks: a lock is returned when it matches any of the targets; no targets = all. */
export function lockSelected(lock: SimLock, targets: LockTarget[]): boolean {
  return targets.length === 0 || targets.some((t) => targetMatchesLock(t, lock.target));
}

/** LockTarget.FromMap: JSON tags as keys; Go's JSON decoding ignores unknown keys. */
export function targetFromFilter(filter: Record<string, string>): LockTarget {
  const target: LockTarget = {};
  for (const field of LOCK_TARGET_KEYS) {
    const value = filter[TARGET_TAGS[field]];
    if (value) target[field] = value;
  }
  return target;
}

/** Teleport's LockTarget.String(): compact proto text, e.g. `AccessRequest:"1234"`. */
export function describeTarget(t: LockTarget): string {
  return Object.entries(lockTargetToWire(t))
    .map(([name, value]) => `${name}:${JSON.stringify(value)}`)
    .join(' ');
}

/** The denial a caller gets while a lock covers its identity. */
export function lockInForceMessage(lock: SimLock): string {
  const base = `lock targeting ${describeTarget(lock.target)} is in force`;
  return lock.message ? `${base}: ${lock.message}` : base;
}

export function checkLockTarget(t: LockTarget): void {
  if (targetIsEmpty(t)) throw badParameter('at least one target field must be set');
}
