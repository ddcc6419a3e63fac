// A short digest of what a user holds in force (their approved, started, unended, unlocked
// requests) and of which of their requests the watcher's own locks hold, so a sweep can tell which
// users changed since their last evaluation without carrying the holdings in workflow state. The
// second part also lets an evaluation tell that a watcher lock it made was deleted since.
import { createHash } from 'node:crypto';
import { accessEnd, type AccessRequest } from '../../domain/accessRequest';
import { lockInForce, type Lock } from '../../domain/lock';
import { isWatcherLock } from '../../policy/decision';
import { inForce, lockedRequestIds } from '../../policy/holdings';

/** Separates the holdings digest from the watcher-locks digest; absent when there are none. */
const PART_SEPARATOR = '/';

/** user -> fingerprint, for every user holding a request in force or under a watcher lock. */
export function holdingsFingerprints(
  requests: AccessRequest[],
  locks: Lock[],
  now: Date,
): Map<string, string> {
  const locked = lockedRequestIds(locks, now);
  const watcherLocked = watcherLockedIds(locks, now);
  const held = new Map<string, string[]>();
  const lockedByUs = new Map<string, string[]>();
  for (const r of requests) {
    if (inForce(r, locked, now)) push(held, r.user, r.id);
    else if (watcherLocked.has(r.id) && !ended(r, now)) push(lockedByUs, r.user, r.id);
  }
  const out = new Map<string, string>();
  for (const user of new Set([...held.keys(), ...lockedByUs.keys()])) {
    out.set(user, fingerprint(held.get(user) ?? [], lockedByUs.get(user) ?? []));
  }
  return out;
}

/** The fingerprint of one user's holdings; '' when they hold nothing. */
export function userFingerprint(
  user: string,
  requests: AccessRequest[],
  locks: Lock[],
  now: Date,
): string {
  const mine = requests.filter((r) => r.user === user);
  return holdingsFingerprints(mine, locks, now).get(user) ?? '';
}

/**
 * Which of `candidates` (requests the policy would lock now) were under a watcher lock at the
 * previous evaluation, whose fingerprint was `previous`: the locks someone deleted since. Found
 * when one lock or all of them went between two evaluations; otherwise none are reported, which
 * costs only the wording of the lock's message.
 */
export function deletedWatcherLocks(
  previous: string | undefined,
  user: string,
  requests: AccessRequest[],
  locks: Lock[],
  now: Date,
  candidates: string[],
): string[] {
  const before = previous?.split(PART_SEPARATOR)[1];
  if (!before || candidates.length === 0) return [];
  const watcherLocked = watcherLockedIds(locks, now);
  const stillLocked = requests
    .filter((r) => r.user === user && watcherLocked.has(r.id) && !ended(r, now))
    .map((r) => r.id);
  const guesses = [...candidates.map((id) => [id]), candidates];
  return guesses.find((extra) => digest([...stillLocked, ...extra]) === before) ?? [];
}

/** Requests targeted by a lock in force that the watcher made (its name says so). */
function watcherLockedIds(locks: Lock[], now: Date): Set<string> {
  const ids = new Set<string>();
  for (const lock of locks) {
    const target = lock.target.accessRequest;
    if (target && isWatcherLock(lock.name) && lockInForce(lock, now)) {
      ids.add(target);
    }
  }
  return ids;
}

function ended(r: AccessRequest, now: Date): boolean {
  const end = accessEnd(r);
  return r.state !== 'APPROVED' || (end !== undefined && end.getTime() <= now.getTime());
}

function fingerprint(held: string[], lockedByUs: string[]): string {
  const base = digest(held);
  return lockedByUs.length === 0 ? base : `${base}${PART_SEPARATOR}${digest(lockedByUs)}`;
}

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key) ?? [];
  list.push(value);
  map.set(key, list);
}

function digest(ids: string[]): string {
  return createHash('sha256')
    .update([...new Set(ids)].sort().join('\n'))
    .digest('hex')
    .slice(0, 16);
}
