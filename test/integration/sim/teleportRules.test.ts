// Rules the simulated Auth server takes from Teleport's source, over real mTLS with a raw grpc-js
// client; each test names the file it follows (paths in gravitational/teleport).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { rejectsWith, simSuite } from './rawClient';

type Msg = Record<string, unknown>;
type Ts = { seconds: number; nanos: number };
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('simulated Auth server: rules from Teleport source', () => {
  const suite = simSuite();

  // lib/auth/auth_with_roles.go CreateAccessRequestV2: the server names the request.
  test('CreateAccessRequestV2 replaces the client-chosen name with a UUIDv7', async () => {
    const editor = await suite.connect('admin', ['editor']);
    const send = { Metadata: { Name: 'my-own-name' }, Spec: { User: 'zoe', Roles: ['r'] } };
    const first = await editor.unary<{ Metadata: Msg }>('CreateAccessRequestV2', send);
    const second = await editor.unary<{ Metadata: Msg }>('CreateAccessRequestV2', send);
    assert.match(String(first.Metadata.Name), UUID_V7);
    // Times keep nanoseconds (Go's clock), the access expiry derived from the creation time.
    const spec = (first as unknown as { Spec: { Created: Ts; Expires: Ts } }).Spec;
    assert.notEqual(spec.Created.nanos % 1_000_000, 0);
    assert.equal(spec.Expires.nanos % 1_000_000, spec.Created.nanos % 1_000_000);
    assert.notEqual(first.Metadata.Name, second.Metadata.Name);
    assert.equal(suite.cluster.store.getRequest('my-own-name'), undefined);
  });

  // api/types/access_request.go Expiry()/SetExpiry(): Spec.ResourceExpiry, Metadata.Expires unset.
  test('a request carries its resource expiry in Spec.ResourceExpiry', async () => {
    const req = suite.cluster.store.createRequest({ user: 'yan', roles: ['r'] });
    const page = await suite.bot.unary<{ AccessRequests: Array<{ Metadata: Msg; Spec: Msg }> }>(
      'ListAccessRequests',
      { Filter: { ID: req.id } },
    );
    const wire = page.AccessRequests[0];
    assert.ok(!wire?.Metadata.Expires, 'Metadata.Expires is unset');
    const expiry = wire?.Spec.ResourceExpiry as Ts;
    const ms = expiry.seconds * 1000 + Math.floor(expiry.nanos / 1e6);
    assert.equal(ms, req.resourceExpires.getTime());
  });

  // lib/services/local/dynamic_access.go ListAccessRequests.
  test('ListAccessRequests refuses a page above 16000, except for a lookup by id', async () => {
    await rejectsWith(
      suite.bot.unary('ListAccessRequests', { Limit: 16_001 }),
      grpc.status.INVALID_ARGUMENT,
      'page size of 16001 is too large',
    );
    const req = suite.cluster.store.createRequest({ user: 'xia', roles: ['r'] });
    const byId = await suite.bot.unary<{ AccessRequests: Msg[] }>('ListAccessRequests', {
      Filter: { ID: req.id },
      Limit: 20_000,
    });
    assert.equal(byId.AccessRequests.length, 1);
  });

  // lib/auth/auth_with_roles.go SubmitAccessReview; lib/services/local/dynamic_access.go.
  test('SubmitAccessReview: empty author is the caller; missing request; PROMOTED', async () => {
    const req = suite.cluster.store.createRequest({ user: 'walt', roles: ['r'] });
    const at = { seconds: Math.floor(Date.now() / 1000), nanos: 987_654_321 };
    const reviewed = await suite.bot.unary<{ Spec: { Reviews: Msg[]; State: string } }>(
      'SubmitAccessReview',
      { RequestID: req.id, Review: { ProposedState: 'APPROVED', Reason: 'ok', Created: at } },
    );
    assert.equal(reviewed.Spec.Reviews[0]?.Author, 'bot');
    assert.deepEqual(reviewed.Spec.Reviews[0]?.Created, at, 'nanoseconds kept');
    assert.equal(reviewed.Spec.State, 'APPROVED');
    await rejectsWith(
      suite.bot.unary('SubmitAccessReview', {
        RequestID: 'missing',
        Review: { ProposedState: 'APPROVED' },
      }),
      grpc.status.NOT_FOUND,
      'cannot apply review to access request "missing" (not found)',
    );
    await rejectsWith(
      suite.bot.unary('SubmitAccessReview', {
        RequestID: req.id,
        Review: { ProposedState: 'PROMOTED' },
      }),
      grpc.status.INVALID_ARGUMENT,
      'state promoted can be only set when promoting to access list',
    );
    await rejectsWith(
      suite.bot.unary('SubmitAccessReview', {
        RequestID: req.id,
        Review: { ProposedState: 'DENIED', Annotations: { Values: { a: { Values: ['b'] } } } },
      }),
      grpc.status.PERMISSION_DENIED,
      'user "bot" has already reviewed this request',
    );
  });

  // lib/services/access_request.go ApplyAccessReview / calculateReviewBasedResolution.
  test('a role needing two approvals: one review leaves it PENDING, the second approves', async () => {
    const requester = await suite.connect('vic', ['requester-two-approvals']);
    const created = await requester.unary<{ Metadata: Msg; Spec: Msg }>('CreateAccessRequestV2', {
      Spec: { User: 'vic', Roles: ['r'] },
    });
    const id = String(created.Metadata.Name);
    assert.deepEqual(
      (created.Spec.Thresholds as Msg[]).map((t) => [t.Approve, t.Deny]),
      [[2, 1]],
    );
    const once = await suite.bot.unary<{ Spec: Msg }>('SubmitAccessReview', {
      RequestID: id,
      Review: { ProposedState: 'APPROVED', Reason: 'first' },
    });
    assert.equal(once.Spec.State, 'PENDING');
    const human = await suite.connect('una', ['editor']);
    const twice = await human.unary<{ Spec: Msg }>('SubmitAccessReview', {
      RequestID: id,
      Review: { ProposedState: 'APPROVED', Reason: 'second' },
    });
    assert.equal(twice.Spec.State, 'APPROVED');
    assert.equal(twice.Spec.ResolveReason, 'second');
  });

  test('a role needing two approvals: one denial denies', async () => {
    const req = suite.cluster.store.createRequest({
      user: 'tess',
      roles: ['r'],
      thresholds: [{ name: 'two', approve: 2, deny: 1 }],
    });
    const denied = await suite.bot.unary<{ Spec: Msg }>('SubmitAccessReview', {
      RequestID: req.id,
      Review: { ProposedState: 'DENIED', Reason: 'no' },
    });
    assert.equal(denied.Spec.State, 'DENIED');
  });

  // lib/services/local/access.go UpsertLock (backend expiry = lock.Expiry()); api/types/lock.go.
  test('a lock past Spec.Expires: GetLock finds it, GetLocks(false) lists it, in-force does not', async () => {
    const past = { seconds: Math.floor(Date.now() / 1000) - 60, nanos: 123_456_789 };
    await suite.bot.unary('UpsertLock', {
      Metadata: { Name: 'ended' },
      Spec: { Target: { AccessRequest: 'req-ended' }, Expires: past },
    });
    const lock = await suite.bot.unary<{ Spec: { Expires: Ts } }>('GetLock', { Name: 'ended' });
    assert.deepEqual(lock.Spec.Expires, past);
    const all = await suite.bot.unary<{ Locks?: Msg[] }>('GetLocks', {
      Targets: [{ AccessRequest: 'req-ended' }],
    });
    assert.equal(all.Locks?.length, 1);
    const inForce = await suite.bot.unary<{ Locks?: Msg[] }>('GetLocks', {
      Targets: [{ AccessRequest: 'req-ended' }],
      InForceOnly: true,
    });
    assert.equal(inForce.Locks?.length ?? 0, 0);
  });
});
