// What a user holds, end to end, as Teleport's fields say: access that starts later is not held
// until it starts (and the user is evaluated again then), a maximum duration ends the access (and
// its lock) early, and a watcher lock someone deletes comes back saying so.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { watcherLockName } from '../../src/policy/decision';
import { waitFor } from '../../src/util/waitFor';
import { runningStack } from '../support/stack';
import { node } from '../support/requests';

const minutesFromNow = (n: number) => new Date(Date.now() + n * 60_000);

describe('held access end to end', () => {
  const suite = runningStack();

  test('access that starts later counts from its start; the lock ends at the max duration', async () => {
    const { store } = suite.stack.sim;
    const oldest = store.createRequest({
      user: 'gina',
      roles: ['node-access'],
      resources: [node('g-1'), node('g-2')],
      created: minutesFromNow(-30),
      maxDuration: minutesFromNow(60),
      state: 'APPROVED',
    });
    store.createRequest({
      user: 'gina',
      roles: ['node-access'],
      resources: [node('g-3')],
      created: minutesFromNow(-20),
      state: 'APPROVED',
    });
    // Far enough ahead for a sweep on a loaded machine to finish before it.
    const startsAt = new Date(Date.now() + 15_000);
    store.createRequest({
      user: 'gina',
      roles: ['node-access'],
      resources: [node('g-4')],
      created: minutesFromNow(-10),
      assumeStartTime: startsAt,
      state: 'APPROVED',
    });
    await suite.stack.sweep();
    const sweptBeforeStart = Date.now() < startsAt.getTime();
    assert.ok(sweptBeforeStart, 'the sweep finished before the access started');
    assert.equal(store.getLock(watcherLockName(oldest.id)), undefined, 'not held yet: no lock');

    await waitFor(() => Date.now() > startsAt.getTime(), {
      timeoutMs: 30_000,
      what: 'the access to start',
    });
    await suite.stack.sweep();
    const lock = store.getLock(watcherLockName(oldest.id));
    assert.ok(lock, 'once it starts, the oldest request is locked');
    assert.equal(lock.expires?.getTime(), oldest.maxDuration?.getTime());
    assert.equal(lock.resourceExpires?.getTime(), oldest.maxDuration?.getTime());
  });

  test('a watcher lock someone deletes is recreated, and its message says so', async () => {
    const { store } = suite.stack.sim;
    const old = store.createRequest({
      user: 'hugo',
      roles: ['node-access'],
      resources: [node('h-1'), node('h-2')],
      created: minutesFromNow(-30),
      state: 'APPROVED',
    });
    store.createRequest({
      user: 'hugo',
      roles: ['node-access'],
      resources: [node('h-3'), node('h-4')],
      created: minutesFromNow(-10),
      state: 'APPROVED',
    });
    await suite.stack.sweep();
    const name = watcherLockName(old.id);
    assert.doesNotMatch(store.getLock(name)?.message ?? '', /^Recreating/);

    store.deleteLock(name);
    await suite.stack.sweep();
    assert.match(
      store.getLock(name)?.message ?? '',
      /^Recreating a watcher lock that was deleted: /,
    );
  });
});
