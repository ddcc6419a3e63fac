// Teleport's lock target rules (api/types/lock.go): which locks a query target selects, how a
// watch filter map becomes a target, and the text of "lock in force" denials. Pure: no storage,
// and the matching must stay Teleport's (an empty query target selects nothing).
import type { LockTarget } from '../../src/domain/lock';
import { badParameter } from './errors';
import type { SimLock } from './model';

/** Wire field name, domain field name and Teleport's JSON tag (used by watch filters). */
const TARGET_FIELDS: ReadonlyArray<[wire: string, field: keyof LockTarget, tag: string]> = [
  ['User', 'user', 'user'],
  ['Role', 'role', 'role'],
  ['Login', 'login', 'login'],
  ['Node', 'node', 'node'],
  ['MFADevice', 'mfaDevice', 'mfa_device'],
  ['WindowsDesktop', 'windowsDesktop', 'windows_desktop'],
  ['AccessRequest', 'accessRequest', 'access_request'],
  ['Device', 'device', 'device'],
  ['ServerID', 'serverId', 'server_id'],
  ['BotInstanceID', 'botInstanceId', 'bot_instance_id'],
  ['JoinToken', 'joinToken', 'join_token'],
];

export function targetIsEmpty(t: LockTarget): boolean {
  return TARGET_FIELDS.every(([, field]) => !t[field]);
}

/**
 * LockTarget.Match: every field set in the query must equal the lock's; Node and ServerID
 * select each other's locks as in Teleport, where a node lock also covers its server id.
 */
export function targetMatchesLock(query: LockTarget, lock: LockTarget): boolean {
  if (targetIsEmpty(query)) return false;
  for (const [, field] of TARGET_FIELDS) {
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

export function lockInForce(lock: SimLock, now: Date): boolean {
  return lock.expires === undefined || lock.expires.getTime() > now.getTime();
}

/** LockTarget.FromMap: JSON tags as keys; Go's JSON decoding ignores unknown keys. */
export function targetFromFilter(filter: Record<string, string>): LockTarget {
  const target: LockTarget = {};
  for (const [, field, tag] of TARGET_FIELDS) {
    const value = filter[tag];
    if (value) target[field] = value;
  }
  return target;
}

/** The wire shape (types.LockTarget) from a domain target and back. */
export function targetToWire(t: LockTarget): Record<string, string> {
  const wire: Record<string, string> = {};
  for (const [name, field] of TARGET_FIELDS) {
    const value = t[field];
    if (value) wire[name] = value;
  }
  return wire;
}

export function targetFromWire(wire: Partial<Record<string, string>> | undefined): LockTarget {
  const target: LockTarget = {};
  for (const [name, field] of TARGET_FIELDS) {
    const value = wire?.[name];
    if (value) target[field] = value;
  }
  return target;
}

/** Teleport's LockTarget.String(): compact proto text, e.g. `AccessRequest:"1234"`. */
export function describeTarget(t: LockTarget): string {
  return Object.entries(targetToWire(t))
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
