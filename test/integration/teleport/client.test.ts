// The Teleport client against the simulated cluster over real mTLS: every method, both connection
// modes, pagination, the pre-14.3 fallback, and how Teleport's errors arrive.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startSimCluster, type SimCluster } from '../../../testkit/sim';
import { GrpcTeleportClient, LIST_PAGE_SIZE } from '../../../src/teleport/client';
import { TeleportError } from '../../../src/teleport/errors';
import { clientFor } from '../../support/teleport';

const node = (name: string) => ({ clusterName: 'sim.example.com', kind: 'node', name });

for (const via of ['auth', 'proxy'] as const) {
  describe(`client through ${via}`, () => {
    let sim: SimCluster;
    let bot: GrpcTeleportClient;
    let admin: GrpcTeleportClient;

    before(async () => {
      sim = await startSimCluster();
      bot = await clientFor(sim, { via });
      admin = await clientFor(sim, { via, user: 'admin', roles: ['editor'] });
    });
    after(async () => {
      bot.close();
      admin.close();
      await sim.stop();
    });

    test('ping names the cluster', async () => {
      const res = await bot.ping();
      assert.equal(res.clusterName, 'sim.example.com');
      assert.match(res.serverVersion, /^\d+\.\d+\.\d+/);
    });

    test('create, list, approve, deny and delete requests', async () => {
      const created = await admin.createRequest({
        user: 'alice',
        roles: ['node-access'],
        resources: [node('web-1'), node('web-2')],
        reason: 'deploy',
      });
      assert.equal(created.state, 'PENDING');
      assert.equal(created.user, 'alice');
      assert.deepEqual(
        created.resources.map((r) => r.name),
        ['web-1', 'web-2'],
      );
      assert.ok(created.created instanceof Date);

      const listed = await bot.listAccessRequests({ user: 'alice' });
      assert.ok(listed.some((r) => r.id === created.id));

      await bot.setRequestState({
        id: created.id,
        state: 'APPROVED',
        reason: 'ok by policy',
        annotations: { policy: ['compliant'] },
      });
      const approved = await bot.getAccessRequest(created.id);
      assert.equal(approved?.state, 'APPROVED');
      assert.equal(approved?.resolveReason, 'ok by policy');
      assert.ok(approved?.expires instanceof Date);

      const second = await admin.createRequest({ user: 'bob', roles: ['prod', 'research'] });
      await bot.setRequestState({ id: second.id, state: 'DENIED', reason: 'mixes environments' });
      assert.equal((await bot.getAccessRequest(second.id))?.state, 'DENIED');

      await admin.deleteRequest(second.id);
      assert.equal(await bot.getAccessRequest(second.id), undefined);
    });

    test('reviews resolve a request and appear on it', async () => {
      const request = await admin.createRequest({
        user: 'carol',
        roles: ['node-access'],
        resources: [node('db-1')],
      });
      const reviewed = await bot.submitReview({
        requestId: request.id,
        state: 'APPROVED',
        reason: 'policy ok',
      });
      assert.equal(reviewed.state, 'APPROVED');
      assert.equal(reviewed.reviews[0]?.author, 'bot-jit-watcher');
      await assert.rejects(
        bot.submitReview({ requestId: request.id, state: 'APPROVED', reason: 'again' }),
        (err: unknown) =>
          err instanceof TeleportError &&
          err.kind === 'AccessDenied' &&
          /already reviewed/.test(err.message),
      );
    });

    test('locks: upsert, read back, filter by target, delete', async () => {
      const expires = new Date(Date.now() + 3_600_000);
      await bot.upsertLock({
        name: 'jit-watcher-x1',
        target: { accessRequest: 'x1' },
        message: 'too many',
        expires,
      });
      const lock = await bot.getLock('jit-watcher-x1');
      assert.equal(lock?.target.accessRequest, 'x1');
      assert.equal(lock?.message, 'too many');
      assert.equal(
        lock?.expires?.getTime(),
        Math.floor(expires.getTime() / 1000) * 1000 + (expires.getTime() % 1000),
      );
      assert.equal(lock?.createdBy, 'bot-jit-watcher');

      const matching = await bot.getLocks({ targets: [{ accessRequest: 'x1' }] });
      assert.deepEqual(
        matching.map((l) => l.name),
        ['jit-watcher-x1'],
      );
      assert.deepEqual(await bot.getLocks({ targets: [{ accessRequest: 'other' }] }), []);

      // The watcher's role has no lock delete (the watcher never deletes); an admin does.
      await assert.rejects(
        bot.deleteLock('jit-watcher-x1'),
        (err: unknown) => err instanceof TeleportError && err.kind === 'AccessDenied',
      );
      await admin.deleteLock('jit-watcher-x1');
      assert.equal(await bot.getLock('jit-watcher-x1'), undefined);
      await assert.rejects(
        admin.deleteLock('jit-watcher-x1'),
        (err: unknown) => err instanceof TeleportError && err.kind === 'NotFound',
      );
    });

    test('a lock written as older watchers did has no backend expiry, so it outlives its end', async () => {
      const ended = new Date(Date.now() - 3_600_000);
      await bot.upsertLockWithoutBackendExpiry({
        name: 'jit-watcher-old1',
        target: { accessRequest: 'old1' },
        message: 'ended',
        expires: ended,
      });
      assert.equal(sim.store.getLock('jit-watcher-old1')?.resourceExpires, undefined);
      const lock = await bot.getLock('jit-watcher-old1');
      assert.equal(lock?.expires?.getTime(), ended.getTime());
      await admin.deleteLock('jit-watcher-old1');
    });
  });
}

describe('listing', () => {
  test('pages through more requests than fit one page', async () => {
    const sim = await startSimCluster();
    const bot = await clientFor(sim);
    try {
      const total = LIST_PAGE_SIZE * 2 + 17;
      for (let i = 0; i < total; i++)
        sim.store.createRequest({ user: `user-${i % 7}`, roles: ['node-access'] });
      const all = await bot.listAccessRequests();
      assert.equal(all.length, total);
      assert.equal(new Set(all.map((r) => r.id)).size, total);
    } finally {
      bot.close();
      await sim.stop();
    }
  });

  test('falls back to GetAccessRequestsV2 on a cluster before 14.3', async () => {
    const sim = await startSimCluster({ listAccessRequests: false });
    const bot = await clientFor(sim);
    try {
      for (let i = 0; i < 3; i++)
        sim.store.createRequest({ user: 'alice', roles: ['node-access'] });
      assert.equal((await bot.listAccessRequests()).length, 3);
      assert.equal((await bot.listAccessRequests({ user: 'nobody' })).length, 0);
    } finally {
      bot.close();
      await sim.stop();
    }
  });
});

for (const listAccessRequests of [true, false]) {
  test(`pages pending requests oldest first (${listAccessRequests ? 'ListAccessRequests' : 'before 14.3'})`, async () => {
    const sim = await startSimCluster({ listAccessRequests });
    const bot = await clientFor(sim);
    try {
      const base = Date.now() - 60_000;
      const pending = Array.from(
        { length: 7 },
        (_, i) =>
          sim.store.createRequest({
            user: `p${i}`,
            roles: ['node-access'],
            created: new Date(base + i * 1000),
          }).id,
      );
      sim.store.createRequest({ user: 'x', roles: ['node-access'], state: 'APPROVED' });
      const seen: string[] = [];
      let startKey: string | undefined;
      let pages = 0;
      do {
        const page = await bot.listAccessRequestsPage({
          filter: { state: 'PENDING' },
          startKey,
          limit: 3,
        });
        seen.push(...page.requests.map((r) => r.id));
        startKey = page.nextKey;
        pages += 1;
      } while (startKey);
      assert.deepEqual(seen, pending);
      assert.equal(pages, 3);
    } finally {
      bot.close();
      await sim.stop();
    }
  });
}

describe('errors carry Teleport kinds and messages', () => {
  let sim: SimCluster;
  let bot: GrpcTeleportClient;
  before(async () => {
    sim = await startSimCluster();
    bot = await clientFor(sim);
  });
  after(async () => {
    bot.close();
    await sim.stop();
  });

  const rejectsWith = async (call: Promise<unknown>, kind: string, message: RegExp) => {
    await assert.rejects(call, (err: unknown) => {
      assert.ok(err instanceof TeleportError, `not a TeleportError: ${String(err)}`);
      assert.equal(err.kind, kind);
      assert.match(err.message, message);
      return true;
    });
  };

  test('unknown request is NotFound', async () => {
    await rejectsWith(
      bot.setRequestState({ id: 'no-such-id', state: 'APPROVED', reason: 'x' }),
      'NotFound',
      /cannot set state of access request "no-such-id" \(not found\)/,
    );
  });

  test('a denied request cannot be approved (BadParameter), is not retryable', async () => {
    const r = sim.store.createRequest({ user: 'dave', roles: ['node-access'] });
    await bot.setRequestState({ id: r.id, state: 'DENIED', reason: 'no' });
    const call = bot.setRequestState({ id: r.id, state: 'APPROVED', reason: 'yes' });
    await rejectsWith(call, 'BadParameter', /already denied/);
    await call.catch((err: TeleportError) => assert.equal(err.retryable, false));
  });

  test('a caller without the rule gets AccessDenied', async () => {
    const requester = await clientFor(sim, { user: 'erin', roles: ['requester'] });
    try {
      const r = sim.store.createRequest({ user: 'frank', roles: ['node-access'] });
      await rejectsWith(
        requester.setRequestState({ id: r.id, state: 'APPROVED', reason: 'x' }),
        'AccessDenied',
        /access denied/,
      );
      await rejectsWith(
        requester.upsertLock({ name: 'l', target: { user: 'frank' } }),
        'AccessDenied',
        /lock/,
      );
    } finally {
      requester.close();
    }
  });

  test('an unavailable cluster is a retryable ConnectionProblem', async () => {
    sim.faults.setUnavailable(true);
    try {
      await assert.rejects(
        bot.ping(),
        (err: unknown) =>
          err instanceof TeleportError && err.kind === 'ConnectionProblem' && err.retryable,
      );
    } finally {
      sim.faults.setUnavailable(false);
    }
    assert.equal((await bot.ping()).clusterName, 'sim.example.com');
  });
});
