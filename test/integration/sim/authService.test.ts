// The simulated Auth server over real mTLS on loopback, called with a raw grpc-js client:
// the request and lock methods, Teleport's error codes and messages, RBAC refusals.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { messageQueue, rejectsWith, simSuite } from './rawClient';

type Msg = Record<string, unknown>;

describe('simulated Auth server: methods and RBAC', () => {
  const suite = simSuite();

  test('Ping names the cluster and version', async () => {
    const pong = await suite.bot.unary<Msg>('Ping', {});
    assert.equal(pong.ClusterName, 'sim.example.com');
    assert.equal(pong.ServerVersion, '17.4.8');
  });

  test('ListAccessRequests pages with an opaque NextKey', async () => {
    for (let i = 0; i < 5; i++) suite.cluster.store.createRequest({ user: 'pager', roles: ['r'] });
    const seen: string[] = [];
    let startKey = '';
    let pages = 0;
    do {
      const page = await suite.bot.unary<{ AccessRequests?: Msg[]; NextKey?: string }>(
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
    suite.cluster.store.createRequest({ user: 'streamer', roles: ['r'] });
    suite.cluster.store.createRequest({ user: 'streamer', roles: ['r'], state: 'APPROVED' });
    const q = messageQueue<Msg>(
      suite.bot.stream('GetAccessRequestsV2', { User: 'streamer', State: 'APPROVED' }),
    );
    const first = await q.next();
    assert.equal((first.Spec as Msg).State, 'APPROVED');
    assert.equal((first.Spec as Msg).User, 'streamer');
  });

  test('SetAccessRequestState approves, and DENIED is final with Teleport messages', async () => {
    const req = suite.cluster.store.createRequest({ user: 'alice', roles: ['node-access'] });
    await suite.bot.unary('SetAccessRequestState', {
      ID: req.id,
      State: 'DENIED',
      Reason: 'policy',
      Annotations: { Values: { policy: { Values: ['p1'] } } },
    });
    assert.deepEqual(suite.cluster.store.getRequest(req.id)?.resolveAnnotations, {
      policy: ['p1'],
    });
    await suite.bot.unary('SetAccessRequestState', { ID: req.id, State: 'DENIED' });
    await rejectsWith(
      suite.bot.unary('SetAccessRequestState', { ID: req.id, State: 'APPROVED' }),
      grpc.status.INVALID_ARGUMENT,
      'cannot set request-state "APPROVED" (already denied)',
    );
    await rejectsWith(
      suite.bot.unary('SetAccessRequestState', { ID: 'missing', State: 'APPROVED' }),
      grpc.status.NOT_FOUND,
      'cannot set state of access request "missing" (not found)',
    );
    await rejectsWith(
      suite.bot.unary('SetAccessRequestState', { ID: req.id, State: 'PROMOTED' }),
      grpc.status.INVALID_ARGUMENT,
    );
  });

  test('callers are refused by rule, by active requests and for their own requests', async () => {
    const req = suite.cluster.store.createRequest({ user: 'alice', roles: ['node-access'] });
    const requester = await suite.connect('alice', ['requester']);
    await rejectsWith(
      requester.unary('SetAccessRequestState', { ID: req.id, State: 'APPROVED' }),
      grpc.status.PERMISSION_DENIED,
      'access denied to perform action "update" on "access_request"',
    );
    const elevated = await suite.connect('bot', ['jit-watcher'], ['some-request']);
    await rejectsWith(
      elevated.unary('SetAccessRequestState', { ID: req.id, State: 'APPROVED' }),
      grpc.status.PERMISSION_DENIED,
      'cannot directly update the state of an access request while using an access request',
    );
    const selfApprover = await suite.connect('alice', ['jit-watcher']);
    await rejectsWith(
      selfApprover.unary('SetAccessRequestState', { ID: req.id, State: 'APPROVED' }),
      grpc.status.PERMISSION_DENIED,
      'directly updating the state of your own access requests is not permitted',
    );
    assert.equal(suite.cluster.store.getRequest(req.id)?.state, 'PENDING');
  });

  test('a requester creates and sees only its own requests; an editor acts for anyone', async () => {
    const requester = await suite.connect('dave', ['requester']);
    const created = await requester.unary<Msg>('CreateAccessRequestV2', {
      Spec: { User: 'dave', Roles: ['db-access'], RequestReason: 'deploy' },
    });
    assert.equal((created.Spec as Msg).State, 'PENDING');
    await rejectsWith(
      requester.unary('CreateAccessRequestV2', { Spec: { User: 'erin', Roles: ['db-access'] } }),
      grpc.status.PERMISSION_DENIED,
      'access denied to perform action "create" on "access_request"',
    );
    const editor = await suite.connect('admin', ['editor']);
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
    const req = suite.cluster.store.createRequest({ user: 'alice', roles: ['node-access'] });
    const reviewed = await suite.bot.unary<Msg>('SubmitAccessReview', {
      RequestID: req.id,
      Review: { Author: 'bot', ProposedState: 'APPROVED', Reason: 'within policy' },
    });
    const spec = reviewed.Spec as { State: string; Reviews: Msg[] };
    assert.equal(spec.State, 'APPROVED');
    assert.equal(spec.Reviews[0]?.Author, 'bot');
    await rejectsWith(
      suite.bot.unary('SubmitAccessReview', {
        RequestID: req.id,
        Review: { Author: 'bot', ProposedState: 'DENIED' },
      }),
      grpc.status.PERMISSION_DENIED,
      'user "bot" has already reviewed this request',
    );
    await rejectsWith(
      suite.bot.unary('SubmitAccessReview', {
        RequestID: req.id,
        Review: { Author: 'carol', ProposedState: 'DENIED' },
      }),
      grpc.status.PERMISSION_DENIED,
      'user "bot" cannot submit reviews on behalf of "carol"',
    );
  });

  test('locks: upsert, get, list by target, delete, NOT_FOUND', async () => {
    await suite.bot.unary('UpsertLock', {
      Metadata: { Name: 'lock-1' },
      Spec: { Target: { AccessRequest: 'req-locked' }, Message: 'policy violation' },
    });
    const lock = await suite.bot.unary<{ Spec: Msg }>('GetLock', { Name: 'lock-1' });
    assert.equal(lock.Spec.CreatedBy, 'bot');
    assert.ok(lock.Spec.CreatedAt);
    const found = await suite.bot.unary<{ Locks?: Msg[] }>('GetLocks', {
      Targets: [{ AccessRequest: 'req-locked' }],
      InForceOnly: true,
    });
    assert.equal(found.Locks?.length, 1);
    // The watcher's role has no lock delete (deploy/teleport/jit-watcher-role.yaml); an editor's does.
    await rejectsWith(
      suite.bot.unary('DeleteLock', { Name: 'lock-1' }),
      grpc.status.PERMISSION_DENIED,
      'access denied to perform action "delete" on "lock"',
    );
    const editor = await suite.connect('admin', ['editor']);
    await editor.unary('DeleteLock', { Name: 'lock-1' });
    await rejectsWith(suite.bot.unary('GetLock', { Name: 'lock-1' }), grpc.status.NOT_FOUND);
    await rejectsWith(editor.unary('DeleteLock', { Name: 'lock-1' }), grpc.status.NOT_FOUND);
  });

  test('a lock on an access request takes identities carrying it out of service', async () => {
    const holder = await suite.connect('frank', ['requester'], ['req-frank']);
    await holder.unary('Ping', {});
    suite.cluster.store.upsertLock({
      name: 'lock-frank',
      target: { accessRequest: 'req-frank' },
      message: 'revoked',
    });
    await rejectsWith(
      holder.unary('Ping', {}),
      grpc.status.PERMISSION_DENIED,
      'lock targeting AccessRequest:"req-frank" is in force: revoked',
    );
    suite.cluster.store.deleteLock('lock-frank');
  });
});
