// The simulated Auth server over real mTLS on loopback, called with a raw grpc-js client:
// methods, Teleport's error codes and messages, RBAC and certificate refusals, watch streams.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { ManualClock } from '../../../src/sim/clock';
import { startSimCluster, type SimCluster } from '../../../src/sim/cluster';
import { createClusterAuthorities, issueIdentityFile } from '../../../src/sim/identityFile';
import { messageQueue, rawClient, type RawClient } from './rawClient';

type Msg = Record<string, unknown>;

async function rejectsWith(call: Promise<unknown>, code: grpc.status, details?: string | RegExp) {
  await assert.rejects(call, (err: grpc.ServiceError) => {
    assert.equal(grpc.status[err.code], grpc.status[code], err.details);
    if (typeof details === 'string') assert.equal(err.details, details);
    else if (details) assert.match(err.details, details);
    return true;
  });
}

describe('simulated Auth server', () => {
  let cluster: SimCluster;
  const clients: RawClient[] = [];
  const connect = async (user: string, roles: string[], activeRequests?: string[]) => {
    const client = rawClient(
      cluster.authAddress,
      await cluster.issueIdentity({ user, roles, activeRequests }),
    );
    clients.push(client);
    return client;
  };
  let bot: RawClient;

  before(async () => {
    cluster = await startSimCluster({ proxy: false });
    bot = await connect('bot', ['jit-watcher']);
  });
  after(async () => {
    for (const c of clients) c.close();
    await cluster.stop();
  });

  test('Ping names the cluster and version', async () => {
    const pong = await bot.unary<Msg>('Ping', {});
    assert.equal(pong.ClusterName, 'sim.example.com');
    assert.equal(pong.ServerVersion, '17.4.8');
  });

  test('ListAccessRequests pages with an opaque NextKey', async () => {
    for (let i = 0; i < 5; i++) cluster.store.createRequest({ user: 'pager', roles: ['r'] });
    const seen: string[] = [];
    let startKey = '';
    let pages = 0;
    do {
      const page = await bot.unary<{ AccessRequests?: Msg[]; NextKey?: string }>(
        'ListAccessRequests',
        {
          Filter: { User: 'pager' },
          Limit: 2,
          StartKey: startKey,
        },
      );
      for (const r of page.AccessRequests ?? []) seen.push((r.Metadata as Msg).Name as string);
      startKey = page.NextKey ?? '';
      pages++;
    } while (startKey);
    assert.equal(pages, 3);
    assert.equal(new Set(seen).size, 5);
  });

  test('GetAccessRequestsV2 streams every match', async () => {
    cluster.store.createRequest({ user: 'streamer', roles: ['r'] });
    cluster.store.createRequest({ user: 'streamer', roles: ['r'], state: 'APPROVED' });
    const q = messageQueue<Msg>(
      bot.stream('GetAccessRequestsV2', { User: 'streamer', State: 'APPROVED' }),
    );
    const first = await q.next();
    assert.equal((first.Spec as Msg).State, 'APPROVED');
    assert.equal((first.Spec as Msg).User, 'streamer');
  });

  test('SetAccessRequestState approves, and DENIED is final with Teleport messages', async () => {
    const req = cluster.store.createRequest({ user: 'alice', roles: ['node-access'] });
    await bot.unary('SetAccessRequestState', {
      ID: req.id,
      State: 'DENIED',
      Reason: 'policy',
      Annotations: { Values: { policy: { Values: ['p1'] } } },
    });
    assert.deepEqual(cluster.store.getRequest(req.id)?.resolveAnnotations, { policy: ['p1'] });
    await bot.unary('SetAccessRequestState', { ID: req.id, State: 'DENIED' });
    await rejectsWith(
      bot.unary('SetAccessRequestState', { ID: req.id, State: 'APPROVED' }),
      grpc.status.INVALID_ARGUMENT,
      'cannot set request-state "APPROVED" (already denied)',
    );
    await rejectsWith(
      bot.unary('SetAccessRequestState', { ID: 'missing', State: 'APPROVED' }),
      grpc.status.NOT_FOUND,
      'cannot set state of access request "missing" (not found)',
    );
    await rejectsWith(
      bot.unary('SetAccessRequestState', { ID: req.id, State: 'PROMOTED' }),
      grpc.status.INVALID_ARGUMENT,
    );
  });

  test('callers are refused by rule, by active requests and for their own requests', async () => {
    const req = cluster.store.createRequest({ user: 'alice', roles: ['node-access'] });
    const requester = await connect('alice', ['requester']);
    await rejectsWith(
      requester.unary('SetAccessRequestState', { ID: req.id, State: 'APPROVED' }),
      grpc.status.PERMISSION_DENIED,
      'access denied to perform action "update" on "access_request"',
    );
    const elevated = await connect('bot', ['jit-watcher'], ['some-request']);
    await rejectsWith(
      elevated.unary('SetAccessRequestState', { ID: req.id, State: 'APPROVED' }),
      grpc.status.PERMISSION_DENIED,
      'cannot directly update the state of an access request while using an access request',
    );
    const selfApprover = await connect('alice', ['jit-watcher']);
    await rejectsWith(
      selfApprover.unary('SetAccessRequestState', { ID: req.id, State: 'APPROVED' }),
      grpc.status.PERMISSION_DENIED,
      'directly updating the state of your own access requests is not permitted',
    );
    assert.equal(cluster.store.getRequest(req.id)?.state, 'PENDING');
  });

  test('a requester creates and sees only its own requests; an editor acts for anyone', async () => {
    const requester = await connect('dave', ['requester']);
    const created = await requester.unary<Msg>('CreateAccessRequestV2', {
      Spec: { User: 'dave', Roles: ['db-access'], RequestReason: 'deploy' },
    });
    assert.equal((created.Spec as Msg).State, 'PENDING');
    await rejectsWith(
      requester.unary('CreateAccessRequestV2', { Spec: { User: 'erin', Roles: ['db-access'] } }),
      grpc.status.PERMISSION_DENIED,
      'access denied to perform action "create" on "access_request"',
    );
    const editor = await connect('admin', ['editor']);
    await editor.unary('CreateAccessRequestV2', {
      Spec: {
        User: 'erin',
        RequestedResourceIDs: [{ ClusterName: 'sim.example.com', Kind: 'node', Name: 'web-1' }],
      },
    });
    const mine = await requester.unary<{ AccessRequests?: Msg[] }>('ListAccessRequests', {});
    assert.deepEqual(
      (mine.AccessRequests ?? []).map((r) => (r.Spec as Msg).User),
      ['dave'],
    );
  });

  test('SubmitAccessReview resolves with one review and refuses a second', async () => {
    const req = cluster.store.createRequest({ user: 'alice', roles: ['node-access'] });
    const reviewed = await bot.unary<Msg>('SubmitAccessReview', {
      RequestID: req.id,
      Review: { Author: 'bot', ProposedState: 'APPROVED', Reason: 'within policy' },
    });
    const spec = reviewed.Spec as { State: string; Reviews: Msg[] };
    assert.equal(spec.State, 'APPROVED');
    assert.equal(spec.Reviews[0]?.Author, 'bot');
    await rejectsWith(
      bot.unary('SubmitAccessReview', {
        RequestID: req.id,
        Review: { Author: 'bot', ProposedState: 'DENIED' },
      }),
      grpc.status.PERMISSION_DENIED,
      'user "bot" has already reviewed this request',
    );
    await rejectsWith(
      bot.unary('SubmitAccessReview', {
        RequestID: req.id,
        Review: { Author: 'carol', ProposedState: 'DENIED' },
      }),
      grpc.status.PERMISSION_DENIED,
      'user "bot" cannot submit reviews on behalf of "carol"',
    );
  });

  test('locks: upsert, get, list by target, delete, NOT_FOUND', async () => {
    await bot.unary('UpsertLock', {
      Metadata: { Name: 'lock-1' },
      Spec: { Target: { AccessRequest: 'req-locked' }, Message: 'policy violation' },
    });
    const lock = await bot.unary<{ Spec: Msg }>('GetLock', { Name: 'lock-1' });
    assert.equal(lock.Spec.CreatedBy, 'bot');
    assert.ok(lock.Spec.CreatedAt);
    const found = await bot.unary<{ Locks?: Msg[] }>('GetLocks', {
      Targets: [{ AccessRequest: 'req-locked' }],
      InForceOnly: true,
    });
    assert.equal(found.Locks?.length, 1);
    await bot.unary('DeleteLock', { Name: 'lock-1' });
    await rejectsWith(bot.unary('GetLock', { Name: 'lock-1' }), grpc.status.NOT_FOUND);
    await rejectsWith(bot.unary('DeleteLock', { Name: 'lock-1' }), grpc.status.NOT_FOUND);
  });

  test('a lock on an access request takes identities carrying it out of service', async () => {
    const holder = await connect('frank', ['requester'], ['req-frank']);
    await holder.unary('Ping', {});
    cluster.store.upsertLock({
      name: 'lock-frank',
      target: { accessRequest: 'req-frank' },
      message: 'revoked',
    });
    await rejectsWith(
      holder.unary('Ping', {}),
      grpc.status.PERMISSION_DENIED,
      'lock targeting AccessRequest:"req-frank" is in force: revoked',
    );
    cluster.store.deleteLock('lock-frank');
  });

  test('WatchEvents: INIT, then PUT and DELETE in order, filtered', async () => {
    const stream = bot.stream('WatchEvents', {
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
      cluster.store.createRequest({ user: 'someone-else', roles: ['r'] });
      const req = cluster.store.createRequest({ user: 'watched', roles: ['r'] });
      cluster.store.setState(req.id, { state: 'APPROVED' });
      cluster.store.deleteRequest(req.id);
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
      bot.stream('WatchEvents', { Kinds: [{ Kind: 'access_request', Filter: { foo: 'x' } }] }),
    );
    const err = await bad.error();
    assert.equal(err.code, grpc.status.INVALID_ARGUMENT);
    assert.equal(err.details, 'unknown filter key foo');

    const requester = await connect('gina', ['requester']);
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

  test('faults: dropped streams end UNAVAILABLE; failNext fails the next calls', async () => {
    const q = messageQueue<Msg>(bot.stream('WatchEvents', { Kinds: [{ Kind: 'lock' }] }));
    await q.next();
    cluster.faults.dropStreams();
    assert.equal((await q.error()).code, grpc.status.UNAVAILABLE);

    cluster.faults.failNext(
      'GetLocks',
      1,
      grpc.status.FAILED_PRECONDITION,
      'too many concurrent writes, try again later',
    );
    await rejectsWith(
      bot.unary('GetLocks', {}),
      grpc.status.FAILED_PRECONDITION,
      /try again later/,
    );
    await bot.unary('GetLocks', {});

    cluster.faults.setUnavailable(true);
    await rejectsWith(bot.unary('Ping', {}), grpc.status.UNAVAILABLE);
    cluster.faults.setUnavailable(false);
    await bot.unary('Ping', {});
  });

  test('certificates: foreign, expired and not-yet-valid identities fail the handshake', async () => {
    const foreign = await createClusterAuthorities('other.example.com');
    const identities = [
      await issueIdentityFile(foreign, { user: 'bot', roles: ['jit-watcher'] }),
      await cluster.issueIdentity({
        user: 'bot',
        roles: ['jit-watcher'],
        notBefore: new Date(Date.now() - 7_200_000),
        notAfter: new Date(Date.now() - 3_600_000),
      }),
      await cluster.issueIdentity({
        user: 'bot',
        roles: ['jit-watcher'],
        notBefore: new Date(Date.now() + 3_600_000),
        notAfter: new Date(Date.now() + 7_200_000),
      }),
    ];
    for (const identity of identities) {
      const client = rawClient(cluster.authAddress, identity);
      clients.push(client);
      await rejectsWith(client.unary('Ping', {}), grpc.status.UNAVAILABLE);
    }
  });

  test('an RSA-2048 identity works too', async () => {
    const text = await cluster.issueIdentity({
      user: 'bot',
      roles: ['jit-watcher'],
      keyType: 'rsa-2048',
    });
    const client = rawClient(cluster.authAddress, text);
    clients.push(client);
    assert.equal((await client.unary<Msg>('Ping', {})).ClusterName, 'sim.example.com');
  });
});

describe('cluster options', () => {
  test('without ListAccessRequests the method is UNIMPLEMENTED (Teleport before 14.3)', async () => {
    const cluster = await startSimCluster({ proxy: false, listAccessRequests: false });
    const client = rawClient(
      cluster.authAddress,
      await cluster.issueIdentity({ user: 'bot', roles: ['jit-watcher'] }),
    );
    try {
      await rejectsWith(client.unary('ListAccessRequests', {}), grpc.status.UNIMPLEMENTED);
    } finally {
      client.close();
      await cluster.stop();
    }
  });

  test('expiry on a manual clock reaches watchers as DELETE', async () => {
    const clock = new ManualClock(new Date());
    const cluster = await startSimCluster({ proxy: false, clock, pendingTtlMs: 60_000 });
    const client = rawClient(
      cluster.authAddress,
      await cluster.issueIdentity({ user: 'bot', roles: ['jit-watcher'] }),
    );
    const stream = client.stream('WatchEvents', { Kinds: [{ Kind: 'access_request' }] });
    try {
      const q = messageQueue<Msg>(stream);
      await q.next();
      const req = cluster.store.createRequest({ user: 'alice', roles: ['r'] });
      await q.next();
      clock.advance(60_000);
      cluster.store.purgeExpired();
      const del = await q.next();
      assert.equal(del.Type, 'DELETE');
      assert.equal(((del.ResourceHeader as Msg).Metadata as Msg).Name, req.id);
      const list = await client.unary<{ AccessRequests?: Msg[] }>('ListAccessRequests', {});
      assert.equal(list.AccessRequests?.length ?? 0, 0);
    } finally {
      stream.cancel();
      client.close();
      await cluster.stop();
    }
  });

  test('host CA rotation: new identities connect, ones trusting only the old CA do not', async () => {
    const cluster = await startSimCluster({ proxy: false });
    const before = await cluster.issueIdentity({ user: 'bot', roles: ['jit-watcher'] });
    await cluster.rotateHostCertificate({ newCa: true });
    const afterText = await cluster.issueIdentity({ user: 'bot', roles: ['jit-watcher'] });
    const oldClient = rawClient(cluster.authAddress, before);
    const newClient = rawClient(cluster.authAddress, afterText);
    try {
      await rejectsWith(oldClient.unary('Ping', {}), grpc.status.UNAVAILABLE);
      await newClient.unary('Ping', {});
      assert.equal(cluster.hostCaPems.length, 2);
    } finally {
      oldClient.close();
      newClient.close();
      await cluster.stop();
    }
  });
});
