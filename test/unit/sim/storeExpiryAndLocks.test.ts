// Expiry (pending at its resource expiry, approved at Spec.Expires, locks at Metadata.Expires) and lock
// storage rules of the simulated store, with a hand-moved clock.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { LockTarget } from '../../../src/domain/lock';
import {
  ManualClock,
  SimError,
  type StoreEvent,
  SimStore,
  waitForStoreEvent,
} from '../../../testkit/sim';

const MINUTE_MS = 60_000;

function setup() {
  const clock = new ManualClock();
  const store = new SimStore({
    now: clock.now,
    pendingTtlMs: 10 * MINUTE_MS,
    accessTtlMs: 60 * MINUTE_MS,
  });
  const events: StoreEvent[] = [];
  store.subscribe((e) => events.push(e));
  return { clock, store, events };
}

const deletes = (events: StoreEvent[]) =>
  events
    .filter((e) => e.type === 'delete')
    .map((e) => (e.type === 'delete' ? `${e.kind}/${e.name}` : ''));

describe('expiry', () => {
  test('a pending request vanishes at its pending expiry with a DELETE event', () => {
    const { clock, store, events } = setup();
    const req = store.createRequest({ id: 'r1', user: 'alice', roles: ['r'] });

    clock.advance(10 * MINUTE_MS - 1);
    assert.equal(store.purgeExpired(), 0);
    assert.equal(store.listRequests().length, 1);
    clock.advance(1);

    assert.equal(store.listRequests().length, 0);
    assert.equal(store.getRequest(req.id), undefined);
    assert.deepEqual(deletes(events), ['access_request/r1']);
  });

  test('an approved request lives until its access expiry', () => {
    const { clock, store, events } = setup();
    store.createRequest({ id: 'r1', user: 'alice', roles: ['r'] });
    store.setState('r1', { state: 'APPROVED' });

    clock.advance(30 * MINUTE_MS);
    assert.equal(store.listRequests()[0]?.state, 'APPROVED');
    clock.advance(30 * MINUTE_MS);
    store.purgeExpired();

    assert.deepEqual(deletes(events), ['access_request/r1']);
  });

  // lib/services/local/access.go UpsertLock stores a lock until lock.Expiry() (its metadata
  // expiry); api/types/lock.go IsInForce reads only Spec.Expires.
  test('a lock past its Spec.Expires stays stored, out of force, with no DELETE event', () => {
    const { clock, store, events } = setup();
    const expires = new Date(clock.now().getTime() + MINUTE_MS);
    store.upsertLock({ name: 'ended', target: { user: 'bob' }, expires });
    store.upsertLock({ name: 'forever', target: { user: 'bob' } });

    clock.advance(MINUTE_MS);
    store.purgeExpired();

    assert.deepEqual(deletes(events), []);
    assert.deepEqual(
      store.listLocks().map((l) => l.name),
      ['ended', 'forever'],
    );
    assert.deepEqual(
      store.listLocks({ inForceOnly: true }).map((l) => l.name),
      ['forever'],
    );
    assert.equal(store.getLock('ended')?.name, 'ended');
  });

  test('a lock is deleted with a DELETE event when its Metadata.Expires passes', () => {
    const { clock, store, events } = setup();
    const end = new Date(clock.now().getTime() + MINUTE_MS);
    store.upsertLock({ name: 'l', target: { user: 'bob' }, expires: end, resourceExpires: end });

    clock.advance(MINUTE_MS - 1);
    assert.equal(store.purgeExpired(), 0);
    clock.advance(1);
    store.purgeExpired();

    assert.deepEqual(deletes(events), ['lock/l']);
    assert.equal(store.getLock('l'), undefined);
  });

  test('the expiry timer purges on its own at the next expiry', async () => {
    const store = new SimStore({ pendingTtlMs: 30 });
    try {
      const deleted = waitForStoreEvent(store, (e) => e.type === 'delete', { timeoutMs: 2000 });
      const req = store.createRequest({ user: 'alice', roles: ['r'] });
      const event = await deleted;
      assert.deepEqual(event, { type: 'delete', kind: 'access_request', name: req.id });
    } finally {
      store.close();
    }
  });
});

describe('locks', () => {
  test('upsert fills CreatedAt and keeps CreatedBy; a second upsert replaces by name', () => {
    const { clock, store, events } = setup();
    const first = store.upsertLock({
      name: 'l',
      target: { accessRequest: 'r1' },
      createdBy: 'bot',
    });
    clock.advance(1000);
    const second = store.upsertLock({
      name: 'l',
      target: { accessRequest: 'r1' },
      message: 'again',
    });

    assert.equal(first.createdAt.getTime(), new ManualClock().now().getTime());
    assert.equal(first.createdBy, 'bot');
    assert.equal(second.message, 'again');
    assert.equal(second.revision, 2);
    assert.equal(store.listLocks().length, 1);
    assert.equal(events.length, 2);
  });

  test('a lock needs a name and a target', () => {
    const { store } = setup();
    assert.throws(() => store.upsertLock({ name: '', target: { user: 'x' } }), SimError);
    assert.throws(
      () => store.upsertLock({ name: 'l', target: {} }),
      (err: SimError) =>
        err.kind === 'BadParameter' && err.message === 'at least one target field must be set',
    );
  });

  test('delete of a missing lock is NotFound', () => {
    const { store } = setup();
    assert.throws(
      () => store.deleteLock('nope'),
      (err: SimError) => err.kind === 'NotFound',
    );
  });

  const locks: Array<[string, LockTarget]> = [
    ['req-1', { accessRequest: 'r1' }],
    ['req-2', { accessRequest: 'r2' }],
    ['alice', { user: 'alice' }],
    ['alice-admin', { user: 'alice', role: 'admin' }],
  ];
  const queries: Array<{ targets: LockTarget[]; expect: string[] }> = [
    { targets: [], expect: ['alice', 'alice-admin', 'req-1', 'req-2'] },
    { targets: [{ accessRequest: 'r1' }], expect: ['req-1'] },
    { targets: [{ accessRequest: 'r1' }, { accessRequest: 'r2' }], expect: ['req-1', 'req-2'] },
    { targets: [{ user: 'alice' }], expect: ['alice', 'alice-admin'] },
    { targets: [{ user: 'alice', role: 'admin' }], expect: ['alice-admin'] },
    { targets: [{ role: 'admin' }], expect: ['alice-admin'] },
    { targets: [{ user: 'bob' }], expect: [] },
    // An empty query target selects nothing, as in Teleport.
    { targets: [{}], expect: [] },
  ];
  test('GetLocks follows a lock whose target changed, and forgets a deleted one', () => {
    const { store } = setup();
    store.upsertLock({ name: 'l', target: { user: 'alice' } });
    store.upsertLock({ name: 'l', target: { accessRequest: 'r9' } });
    const names = (target: LockTarget) => store.listLocks({ targets: [target] }).map((l) => l.name);
    assert.deepEqual(names({ user: 'alice' }), []);
    assert.deepEqual(names({ accessRequest: 'r9' }), ['l']);
    store.deleteLock('l');
    assert.deepEqual(names({ accessRequest: 'r9' }), []);
  });

  test('GetLocks by a field no index covers (node) still finds the lock', () => {
    const { store } = setup();
    store.upsertLock({ name: 'n', target: { node: 'db-1', user: 'alice' } });
    assert.deepEqual(
      store.listLocks({ targets: [{ node: 'db-1' }] }).map((l) => l.name),
      ['n'],
    );
  });

  for (const q of queries) {
    test(`GetLocks ${JSON.stringify(q.targets)}`, () => {
      const { store } = setup();
      for (const [name, target] of locks) store.upsertLock({ name, target });
      assert.deepEqual(
        store.listLocks({ targets: q.targets }).map((l) => l.name),
        q.expect,
      );
    });
  }
});
