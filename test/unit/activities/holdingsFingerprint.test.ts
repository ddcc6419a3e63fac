// Holdings fingerprints: what changes them (a lock, an access that starts, one that ends), and how
// the watcher tells from the previous fingerprint that one of its locks was deleted.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AccessRequest } from '../../../src/domain/accessRequest';
import type { Lock } from '../../../src/domain/lock';
import { watcherLockName } from '../../../src/policy/decision';
import {
  deletedWatcherLocks,
  userFingerprint,
} from '../../../src/temporal/activities/holdingsFingerprint';

const NOW = new Date('2026-01-01T12:00:00Z');
const at = (hh: string) => new Date(`2026-01-01T${hh}:00:00Z`);

function approved(id: string, extra: Partial<AccessRequest> = {}): AccessRequest {
  return {
    id,
    user: 'alice',
    roles: ['access'],
    resources: [],
    state: 'APPROVED',
    created: at('09'),
    expires: at('20'),
    reviews: [],
    ...extra,
  };
}
const watcherLock = (id: string): Lock => ({
  name: watcherLockName(id),
  target: { accessRequest: id },
  expires: at('20'),
});
const fp = (requests: AccessRequest[], locks: Lock[] = [], now = NOW) =>
  userFingerprint('alice', requests, locks, now);

describe('holdings fingerprint', () => {
  test('an access that starts later changes the fingerprint when it starts', () => {
    const requests = [approved('r1'), approved('r2', { assumeStartTime: at('13') })];
    assert.equal(fp(requests), fp([approved('r1')]));
    assert.notEqual(fp(requests, [], at('13')), fp(requests));
  });

  test('a maximum duration ends the holding before the expiry', () => {
    const requests = [approved('r1'), approved('r2', { maxDuration: at('14') })];
    assert.notEqual(fp(requests, [], at('14')), fp(requests, [], at('13')));
    assert.equal(fp(requests, [], at('14')), fp([approved('r1')], [], at('14')));
  });

  test("a watcher lock changes it; someone else's lock on the same request the same way, minus ours", () => {
    const requests = [approved('r1'), approved('r2')];
    const ours = fp(requests, [watcherLock('r1')]);
    const theirs = fp(requests, [{ ...watcherLock('r1'), name: 'security-team' }]);
    assert.notEqual(ours, fp(requests));
    assert.notEqual(ours, theirs);
    assert.equal(theirs, fp([approved('r2')]));
  });
});

describe('deleted watcher locks', () => {
  const requests = [approved('r1'), approved('r2'), approved('r3')];

  test('one deleted lock is found from the previous fingerprint', () => {
    const previous = fp(requests, [watcherLock('r1'), watcherLock('r2')]);
    const now = [watcherLock('r2')];
    assert.deepEqual(deletedWatcherLocks(previous, 'alice', requests, now, NOW, ['r1']), ['r1']);
  });

  test('all deleted locks are found', () => {
    const previous = fp(requests, [watcherLock('r1'), watcherLock('r2')]);
    assert.deepEqual(deletedWatcherLocks(previous, 'alice', requests, [], NOW, ['r1', 'r2']), [
      'r1',
      'r2',
    ]);
  });

  test('nothing when no lock went, or without a previous fingerprint', () => {
    const locks = [watcherLock('r1')];
    const previous = fp(requests, locks);
    assert.deepEqual(deletedWatcherLocks(previous, 'alice', requests, locks, NOW, ['r2']), []);
    assert.deepEqual(deletedWatcherLocks(undefined, 'alice', requests, [], NOW, ['r1']), []);
    assert.deepEqual(deletedWatcherLocks(fp(requests), 'alice', requests, [], NOW, ['r1']), []);
  });
});
