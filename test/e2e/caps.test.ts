// Per-environment caps end to end: simulated Teleport, real Temporal, real worker. The cap travels
// in the watcher's policy; outcomes are read from the Teleport side (states, locks, reasons) and
// from the watcher's queries, and setPolicy validates caps and still takes a policy without them.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { watcherLockName } from '../../src/policy/decision';
import { runningStack } from '../support/stack';
import { minutesAgo, node } from '../support/requests';

describe('per-environment caps end to end', () => {
  const suite = runningStack({
    policy: {
      caps: [
        { pattern: 'prod', maxRequests: 1 },
        { pattern: 'research', maxResources: 2 },
      ],
    },
  });

  test('a second prod request is approved and locks the first: the newest wins', async () => {
    const { store } = suite.stack.sim;
    const old = store.createRequest({
      user: 'ivy',
      roles: ['prod-db'],
      resources: [node('ivy-1')],
      created: minutesAgo(20),
      state: 'APPROVED',
    });
    await suite.stack.sweep();
    assert.equal(store.getLock(watcherLockName(old.id)), undefined, 'one prod request is fine');

    const fresh = store.createRequest({
      user: 'ivy',
      roles: ['prod-web'],
      resources: [node('ivy-2')],
    });
    await suite.stack.sweep();

    assert.equal(store.getRequest(fresh.id)?.state, 'APPROVED');
    const lock = store.getLock(watcherLockName(old.id));
    assert.ok(lock, 'the older prod request is locked');
    assert.equal(lock.target.accessRequest, old.id);
    assert.equal(
      lock.message,
      `Environment cap: roles matching "prod" may be held through 1 request at a time and newer ` +
        `request ${fresh.id} holds it; this older request's "prod" (prod-db) may not be held as ` +
        'well; retaining only the newest',
    );
    assert.equal(lock.expires?.getTime(), store.getRequest(old.id)?.accessExpires?.getTime());
    assert.equal(store.getLock(watcherLockName(fresh.id)), undefined);

    const recent = await suite.stack.control.recentDecisions();
    const ids = recent.map((r) => r.decision.id);
    assert.ok(ids.includes(`${old.id}/lock/environment-cap`));
    assert.ok(
      recent.some(
        (r) =>
          r.decision.id === `${fresh.id}/approve/compliant` &&
          r.decision.details.checks.includes('environment-cap'),
      ),
    );
  });

  test('a request alone over its resource cap is denied with the reason on the request', async () => {
    const { store } = suite.stack.sim;
    const big = store.createRequest({
      user: 'jack',
      roles: ['research-lab'],
      resources: ['a', 'b', 'c'].map(node),
    });
    const small = store.createRequest({
      user: 'jack',
      roles: ['research-lab'],
      resources: [node('a')],
    });
    await suite.stack.sweep();

    assert.equal(store.getRequest(big.id)?.state, 'DENIED');
    assert.equal(
      store.getRequest(big.id)?.resolveReason,
      'Request counts 3 resources under "research" (research-lab), exceeds its cap of 2 resources; ask for at most 2 resources under "research"',
    );
    assert.equal(store.getRequest(small.id)?.state, 'APPROVED');
  });

  test('setPolicy refuses bad caps with one line, and takes a policy without caps', async () => {
    const { store } = suite.stack.sim;
    const policy = await suite.stack.control.policy();
    assert.deepEqual(policy.caps, [
      { pattern: 'prod', maxRequests: 1 },
      { pattern: 'research', maxResources: 2 },
    ]);

    await suite.stack.control.setPolicy({ ...policy, caps: [{ pattern: 'prod', maxRequests: 0 }] });
    const status = await suite.stack.control.status();
    assert.match(
      status.lastError ?? '',
      /setPolicy refused: caps\[0\] \("prod"\)\.maxRequests: must be at least 1, got 0/,
    );
    assert.deepEqual((await suite.stack.control.policy()).caps, policy.caps);

    // A policy as versions before caps sent it: no caps key at all.
    const { caps: _caps, ...older } = policy;
    await suite.stack.control.setPolicy(older);
    const first = store.createRequest({
      user: 'kim',
      roles: ['prod-db'],
      created: minutesAgo(10),
      state: 'APPROVED',
    });
    const second = store.createRequest({ user: 'kim', roles: ['prod-db'] });
    await suite.stack.sweep();
    assert.equal(store.getRequest(second.id)?.state, 'APPROVED');
    assert.equal(store.getLock(watcherLockName(first.id)), undefined, 'no cap, no lock');
    assert.equal((await suite.stack.control.policy()).caps, undefined);
    await suite.stack.control.setPolicy(policy);
  });
});
