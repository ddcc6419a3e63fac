// Teleport's access-request state rules as the simulated store applies them: transitions,
// reviews and their error kinds and messages (the messages are what Teleport sends).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ManualClock, SimError, SimStore } from '../../../testkit/sim';
import type { RequestState, StoreEvent } from '../../../testkit/sim/model';

const HOUR_MS = 60 * 60 * 1000;

function setup(from: RequestState = 'PENDING') {
  const clock = new ManualClock();
  const store = new SimStore({ now: clock.now });
  const req = store.createRequest({
    user: 'alice',
    roles: ['node-access', 'db-access'],
    state: from,
  });
  return { clock, store, req };
}

/** Runs `act` and returns the SimError it throws (fails the test if it does not throw one). */
function errorOf(act: () => unknown): SimError {
  try {
    act();
  } catch (err) {
    if (err instanceof SimError) return err;
    throw err;
  }
  assert.fail('expected a SimError');
}

describe('SetAccessRequestState transitions', () => {
  const cases: Array<{
    from: RequestState;
    to: RequestState;
    expect: RequestState | [string, string];
  }> = [
    { from: 'PENDING', to: 'APPROVED', expect: 'APPROVED' },
    { from: 'PENDING', to: 'DENIED', expect: 'DENIED' },
    { from: 'APPROVED', to: 'APPROVED', expect: 'APPROVED' },
    { from: 'APPROVED', to: 'DENIED', expect: 'DENIED' },
    { from: 'DENIED', to: 'DENIED', expect: 'DENIED' },
    {
      from: 'DENIED',
      to: 'APPROVED',
      expect: ['BadParameter', 'cannot set request-state "APPROVED" (already denied)'],
    },
    {
      from: 'DENIED',
      to: 'PENDING',
      expect: ['BadParameter', 'cannot set request-state "PENDING" (already denied)'],
    },
    {
      from: 'PENDING',
      to: 'PROMOTED',
      expect: ['BadParameter', 'state promoted can be only set when promoting to access list'],
    },
    { from: 'PENDING', to: 'NONE', expect: ['BadParameter', 'missing request state'] },
  ];
  for (const c of cases) {
    test(`${c.from} -> ${c.to}`, () => {
      const { store, req } = setup(c.from);
      if (typeof c.expect === 'string') {
        const updated = store.setState(req.id, { state: c.to, reason: 'because' });
        assert.equal(updated.state, c.expect);
        assert.equal(store.getRequest(req.id)?.resolveReason, 'because');
      } else {
        const err = errorOf(() => store.setState(req.id, { state: c.to }));
        assert.deepEqual([err.kind, err.message], c.expect);
        assert.equal(store.getRequest(req.id)?.state, c.from);
      }
    });
  }

  test('unknown id is NotFound with Teleport message', () => {
    const { store } = setup();
    const err = errorOf(() => store.setState('nope', { state: 'APPROVED' }));
    assert.deepEqual(
      [err.kind, err.message],
      ['NotFound', 'cannot set state of access request "nope" (not found)'],
    );
  });

  test('approval moves the resource expiry to the access expiry', () => {
    const { store, req } = setup();
    assert.ok(req.resourceExpires < req.accessExpires);
    const approved = store.setState(req.id, { state: 'APPROVED' });
    assert.equal(approved.resourceExpires.getTime(), req.accessExpires.getTime());
  });

  test('approving a subset of roles narrows the request; other roles are refused', () => {
    const { store, req } = setup();
    const err = errorOf(() => store.setState(req.id, { state: 'APPROVED', roles: ['admin'] }));
    assert.equal(err.kind, 'BadParameter');
    assert.deepEqual(store.setState(req.id, { state: 'APPROVED', roles: ['db-access'] }).roles, [
      'db-access',
    ]);
  });

  test('every successful change is one PUT event, in order', () => {
    const { store, req } = setup();
    const events: StoreEvent[] = [];
    store.subscribe((e) => events.push(e));
    store.setState(req.id, { state: 'APPROVED' });
    store.setState(req.id, { state: 'DENIED' });
    store.deleteRequest(req.id);
    assert.deepEqual(
      events.map((e) =>
        e.type === 'put' && e.kind === 'access_request' ? e.request.state : e.type,
      ),
      ['APPROVED', 'DENIED', 'delete'],
    );
  });
});

describe('SubmitAccessReview rules', () => {
  const cases: Array<{
    name: string;
    before?: { author: string; proposedState: RequestState };
    review: { author: string; proposedState: RequestState; annotations?: Record<string, string[]> };
    expect: RequestState | [string, string];
  }> = [
    {
      name: 'one approval approves',
      review: { author: 'bob', proposedState: 'APPROVED' },
      expect: 'APPROVED',
    },
    {
      name: 'one denial denies',
      review: { author: 'bob', proposedState: 'DENIED' },
      expect: 'DENIED',
    },
    {
      name: 'same author twice',
      before: { author: 'bob', proposedState: 'APPROVED' },
      review: { author: 'bob', proposedState: 'DENIED' },
      expect: ['AccessDenied', 'user "bob" has already reviewed this request'],
    },
    {
      name: 'review of an approved request',
      before: { author: 'bob', proposedState: 'APPROVED' },
      review: { author: 'carol', proposedState: 'DENIED' },
      expect: ['AccessDenied', 'the access request has been already approved'],
    },
    {
      name: 'review of a denied request',
      before: { author: 'bob', proposedState: 'DENIED' },
      review: { author: 'carol', proposedState: 'APPROVED' },
      expect: ['AccessDenied', 'the access request has been already denied'],
    },
    {
      name: 'proposal that resolves nothing',
      review: { author: 'bob', proposedState: 'PENDING' },
      expect: ['BadParameter', 'invalid state proposal: PENDING (expected approval/denial)'],
    },
    {
      name: 'annotations are not supported',
      review: { author: 'bob', proposedState: 'APPROVED', annotations: { a: ['b'] } },
      expect: [
        'NotImplemented',
        'annotations are not yet supported in reviews, try omitting annotations field',
      ],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const { store, req } = setup();
      if (c.before) store.submitReview(req.id, c.before);
      if (typeof c.expect === 'string') {
        const updated = store.submitReview(req.id, { ...c.review, reason: 'looks fine' });
        assert.equal(updated.state, c.expect);
        assert.equal(updated.resolveReason, 'looks fine');
        assert.deepEqual(
          updated.reviews.map((r) => r.author),
          [c.review.author],
        );
        assert.equal(updated.resourceExpires.getTime(), updated.accessExpires.getTime());
      } else {
        const err = errorOf(() => store.submitReview(req.id, c.review));
        assert.deepEqual([err.kind, err.message], c.expect);
      }
    });
  }
});

describe('request creation', () => {
  test('a request needs a user and a role or a resource', () => {
    const { store } = setup();
    assert.equal(
      errorOf(() => store.createRequest({ user: '', roles: ['r'] })).kind,
      'BadParameter',
    );
    const err = errorOf(() => store.createRequest({ user: 'bob' }));
    assert.equal(err.message, 'access request does not specify any roles or resources');
  });

  test('a resource request gets the default role; ids are UUIDs and unique', () => {
    const { store, req } = setup();
    const r = store.createRequest({
      user: 'bob',
      resources: [{ clusterName: 'c', kind: 'node', name: 'web-1' }],
    });
    assert.deepEqual(r.roles, ['access']);
    assert.match(r.id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.equal(
      errorOf(() => store.createRequest({ id: req.id, user: 'x', roles: ['r'] })).kind,
      'AlreadyExists',
    );
  });

  test('pending expiry is an hour after creation, capped by the access expiry', () => {
    const { clock, store } = setup();
    const r = store.createRequest({ user: 'bob', roles: ['r'] });
    assert.equal(r.resourceExpires.getTime() - clock.now().getTime(), HOUR_MS);
    const short = store.createRequest({
      user: 'bob',
      roles: ['r'],
      accessExpires: new Date(clock.now().getTime() + 10_000),
    });
    assert.equal(short.resourceExpires.getTime(), short.accessExpires.getTime());
  });

  test('a dry run validates without storing', () => {
    const { store } = setup();
    const r = store.createRequest({ user: 'bob', roles: ['r'], dryRun: true });
    assert.equal(store.getRequest(r.id), undefined);
  });
});
