// A short digest of what a user holds in force (their approved, unexpired, unlocked requests),
// so a sweep can tell which users changed since their last evaluation without carrying the
// holdings themselves in workflow state.
import { createHash } from 'node:crypto';
import type { AccessRequest } from '../../domain/accessRequest';
import type { Lock } from '../../domain/lock';
import { inForce, lockedRequestIds } from '../../policy/holdings';

/** user -> fingerprint, for every user holding at least one request in force. */
export function holdingsFingerprints(
  requests: AccessRequest[],
  locks: Lock[],
  now: Date,
): Map<string, string> {
  const locked = lockedRequestIds(locks, now);
  const idsByUser = new Map<string, string[]>();
  for (const r of requests) {
    if (r.state !== 'APPROVED' || !inForce(r, locked, now)) continue;
    const ids = idsByUser.get(r.user) ?? [];
    ids.push(r.id);
    idsByUser.set(r.user, ids);
  }
  const out = new Map<string, string>();
  for (const [user, ids] of idsByUser) out.set(user, digest(ids));
  return out;
}

/** The fingerprint of one user's holdings; '' when they hold nothing. */
export function userFingerprint(
  user: string,
  requests: AccessRequest[],
  locks: Lock[],
  now: Date,
): string {
  return (
    holdingsFingerprints(
      requests.filter((r) => r.user === user),
      locks,
      now,
    ).get(user) ?? ''
  );
}

function digest(ids: string[]): string {
  return createHash('sha256')
    .update([...ids].sort().join('\n'))
    .digest('hex')
    .slice(0, 16);
}
