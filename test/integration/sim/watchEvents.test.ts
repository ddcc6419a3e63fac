// WatchEvents on the simulated Auth server: INIT, PUT/DELETE order, filters and refusals,
// dropped streams, and expiry on a manual clock reaching watchers.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { ManualClock, startSimCluster } from '../../../testkit/sim';
import { messageQueue, rawClient, simSuite } from './rawClient';

type Msg = Record<string, unknown>;

describe('WatchEvents', () => {
  const suite = simSuite();

  test('WatchEvents: INIT, then PUT and DELETE in order, filtered', async () => {
    const stream = suite.bot.stream('WatchEvents', {
      Kinds: [{ Kind: 'access_request', Filter: { user: 'watched' } }, { Kind: 'lock' }],
    });
    const q = messageQueue<Msg>(stream);
    try {
      const init = await q.next();
      assert.equal(init.Type, 'INIT');
      assert.deepEqual(
        ((init.WatchStatus as Msg).Spec as { Kinds: Msg[] }).Kinds.map((k) => k.Kind),
        ['access_request', 'lock'],
      );
      suite.cluster.store.createRequest({ user: 'someone-else', roles: ['r'] });
      const req = suite.cluster.store.createRequest({ user: 'watched', roles: ['r'] });
      suite.cluster.store.setState(req.id, { state: 'APPROVED' });
      suite.cluster.store.deleteRequest(req.id);
      const put = await q.next();
      assert.equal(put.Type, 'PUT');
      assert.equal(((put.AccessRequest as Msg).Spec as Msg).State, 'PENDING');
      assert.equal((((await q.next()).AccessRequest as Msg).Spec as Msg).State, 'APPROVED');
      const del = await q.next();
      assert.equal(del.Type, 'DELETE');
      assert.deepEqual(del.ResourceHeader, {
        Kind: 'access_request',
        Version: 'v3',
        Metadata: { Name: req.id },
      });
    } finally {
      stream.cancel();
    }
  });

  test('WatchEvents refuses unknown filter keys and unreadable kinds', async () => {
    const bad = messageQueue<Msg>(
      suite.bot.stream('WatchEvents', {
        Kinds: [{ Kind: 'access_request', Filter: { foo: 'x' } }],
      }),
    );
    const err = await bad.error();
    assert.equal(err.code, grpc.status.INVALID_ARGUMENT);
    assert.equal(err.details, 'unknown filter key foo');

    const requester = await suite.connect('gina', ['requester']);
    const denied = messageQueue<Msg>(
      requester.stream('WatchEvents', { Kinds: [{ Kind: 'lock' }] }),
    );
    assert.equal((await denied.error()).code, grpc.status.PERMISSION_DENIED);

    const partial = requester.stream('WatchEvents', {
      Kinds: [{ Kind: 'lock' }, { Kind: 'access_request', Filter: { user: 'gina' } }],
      AllowPartialSuccess: true,
    });
    const init = await messageQueue<Msg>(partial).next();
    partial.cancel();
    assert.deepEqual(
      ((init.WatchStatus as Msg).Spec as { Kinds: Msg[] }).Kinds.map((k) => k.Kind),
      ['access_request'],
    );
  });

  test('expiry on a manual clock reaches watchers as DELETE', async () => {
    const clock = new ManualClock(new Date());
    const timed = await startSimCluster({ proxy: false, clock, pendingTtlMs: 60_000 });
    const client = rawClient(
      timed.authAddress,
      await timed.issueIdentity({ user: 'bot', roles: ['jit-watcher'] }),
    );
    const stream = client.stream('WatchEvents', { Kinds: [{ Kind: 'access_request' }] });
    try {
      const q = messageQueue<Msg>(stream);
      await q.next();
      const req = timed.store.createRequest({ user: 'alice', roles: ['r'] });
      await q.next();
      clock.advance(60_000);
      timed.store.purgeExpired();
      const del = await q.next();
      assert.equal(del.Type, 'DELETE');
      assert.equal(((del.ResourceHeader as Msg).Metadata as Msg).Name, req.id);
      const list = await client.unary<{ AccessRequests?: Msg[] }>('ListAccessRequests', {});
      assert.equal(list.AccessRequests?.length ?? 0, 0);
    } finally {
      stream.cancel();
      client.close();
      await timed.stop();
    }
  });
});
