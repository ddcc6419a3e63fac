// The watcher end to end: simulated Teleport, real Temporal, real worker. Each test reads its
// outcome from the Teleport side (request states, locks) and from the watcher's queries.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { waitFor } from '../../src/util/waitFor';
import { runningStack } from '../support/stack';
import { watcherLockName } from '../../src/policy/decision';
import { createEnforcementStory, minutesAgo, node } from '../support/requests';

describe('watcher end to end', () => {
  const suite = runningStack();

  test('approves compliant requests and denies violations with the reason on the request', async () => {
    const { store } = suite.stack.sim;
    const { ok, mixed, many } = createEnforcementStory(store, 'web');
    await suite.stack.sweep();

    assert.equal(store.getRequest(ok.id)?.state, 'APPROVED');
    assert.equal(store.getRequest(mixed.id)?.state, 'DENIED');
    assert.match(store.getRequest(mixed.id)?.resolveReason ?? '', /prod.*research/);
    assert.equal(store.getRequest(many.id)?.state, 'DENIED');
    assert.equal(
      store.getRequest(many.id)?.resolveReason,
      'Request contains 5 resources, exceeds limit of 3; ask for at most 3 resources',
    );
  });

  test('a fourth resource locks the oldest request, until that request expires', async () => {
    const { store } = suite.stack.sim;
    const old = store.createRequest({
      user: 'erin',
      roles: ['node-access'],
      resources: [node('e-1'), node('e-2')],
      created: minutesAgo(30),
      state: 'APPROVED',
    });
    await suite.stack.sweep();
    const fresh = store.createRequest({
      user: 'erin',
      roles: ['node-access'],
      resources: [node('e-3'), node('e-4')],
    });
    await suite.stack.sweep();

    assert.equal(store.getRequest(fresh.id)?.state, 'APPROVED');
    const lock = store.getLock(watcherLockName(old.id));
    assert.ok(lock, 'the oldest request is locked');
    assert.equal(lock.target.accessRequest, old.id);
    assert.equal(lock.expires?.getTime(), store.getRequest(old.id)?.accessExpires?.getTime());
    assert.equal(store.getLock(watcherLockName(fresh.id)), undefined);
  });

  test('prod then research: the older prod request is locked', async () => {
    const { store } = suite.stack.sim;
    const prod = store.createRequest({
      user: 'carol',
      roles: ['prod-db'],
      created: minutesAgo(20),
      state: 'APPROVED',
    });
    await suite.stack.sweep();
    const research = store.createRequest({ user: 'carol', roles: ['research-lab'] });
    await suite.stack.sweep();
    assert.equal(store.getRequest(research.id)?.state, 'APPROVED');
    assert.match(store.getLock(watcherLockName(prod.id))?.message ?? '', /research/);
  });

  test('pause stops every change until resume', async () => {
    const { store } = suite.stack.sim;
    await suite.stack.control.pause();
    const waiting = store.createRequest({
      user: 'frank',
      roles: ['node-access'],
      resources: [node('f-1')],
    });
    await suite.stack.control.sweepNow();
    const status = await suite.stack.control.status();
    assert.equal(status.paused, true);
    assert.equal(store.getRequest(waiting.id)?.state, 'PENDING');
    await suite.stack.control.resume();
    await suite.stack.sweep();
    assert.equal(store.getRequest(waiting.id)?.state, 'APPROVED');
  });

  test('setPolicy changes the outcome of the next sweep', async () => {
    const { store } = suite.stack.sim;
    const policy = await suite.stack.control.policy();
    await suite.stack.control.setPolicy({ ...policy, maxResources: 6 });
    const big = store.createRequest({
      user: 'gina',
      roles: ['node-access'],
      resources: ['1', '2', '3', '4', '5'].map(node),
    });
    await suite.stack.sweep();
    assert.equal(store.getRequest(big.id)?.state, 'APPROVED');
    assert.equal((await suite.stack.control.policy()).maxResources, 6);
    await suite.stack.control.setPolicy(policy);
    // A policy change sweeps at once: the next tests start once that sweep is over (one of them
    // counts the sweep's reads).
    await suite.stack.sweep();
  });

  test('an invalid policy is refused and reported in status', async () => {
    const policy = await suite.stack.control.policy();
    await suite.stack.control.setPolicy({ ...policy, maxResources: 0 });
    const status = await suite.stack.control.status();
    assert.match(status.lastError ?? '', /setPolicy refused: maxResources: must be at least 1/);
    assert.equal((await suite.stack.control.policy()).maxResources, policy.maxResources);
  });

  test('queries answer: status, recent decisions, policy', async () => {
    const status = await suite.stack.control.status();
    assert.equal(status.paused, false);
    assert.ok(status.sweeps >= 1);
    assert.ok(
      status.totals.approved >= 1 && status.totals.denied >= 2 && status.totals.locked >= 2,
    );
    assert.ok(status.lastSweep?.ok !== undefined);
    const recent = await suite.stack.control.recentDecisions();
    assert.ok(recent.some((r) => r.decision.action === 'deny' && r.decision.user === 'bob'));
    assert.ok(
      recent.every((r) => typeof r.decision.reason === 'string' && r.decision.reason.length > 0),
    );
  });

  test('a request a human resolves between snapshot and action is left alone', async () => {
    const { store, faults } = suite.stack.sim;
    const request = store.createRequest({
      user: 'hank',
      roles: ['node-access'],
      resources: [node('h-1')],
    });
    // Reads are slowed so the approve activity's re-read is still in flight when the human acts:
    // the sweep's snapshot (read 1, alongside read 2 of approved holdings) saw the request pending;
    // its re-read (read 3) must not.
    faults.setLatency('ListAccessRequests', 300);
    const reads = faults.callCount('ListAccessRequests');
    const sweeping = suite.stack.sweep();
    await waitFor(() => faults.callCount('ListAccessRequests') >= reads + 3, {
      what: 'the approve activity to re-read the request',
    });
    store.setState(request.id, { state: 'DENIED', reason: 'denied by a human' });
    await sweeping;
    faults.setLatency('ListAccessRequests', 0);

    assert.equal(store.getRequest(request.id)?.state, 'DENIED');
    assert.equal(store.getRequest(request.id)?.resolveReason, 'denied by a human');
    const recent = await suite.stack.control.recentDecisions();
    const record = recent.find((r) => r.decision.requestId === request.id);
    assert.equal(record?.decision.action, 'approve');
    assert.equal(record?.outcome.status, 'skipped');
    assert.match(record?.outcome.detail ?? '', /already DENIED by someone else: denied by a human/);
  });
});
