// Ended locks on a real cluster: Teleport keeps a lock until its Metadata.Expires, so locks made
// with Spec.Expires alone (as older watchers made them) are never removed. A sweep must read the
// same whether the cluster holds none or thousands of them; and the watcher's own locks carry a
// Metadata.Expires, so Teleport deletes them when they end. Real mTLS to the simulated cluster.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { defaultPolicy } from '../../../src/policy/policy';
import { lockDecision, watcherLockName } from '../../../src/policy/decision';
import { startSimCluster, type SimCluster, waitForStoreEvent } from '../../../testkit/sim';
import type { GrpcTeleportClient } from '../../../src/teleport/client';
import type { TeleportClient } from '../../../src/teleport/types';
import { createActivities } from '../../../src/temporal/activities';
import { silentLogger } from '../../../src/util/logger';
import { clientFor } from '../../support/teleport';
import { node } from '../../support/requests';

const USERS = ['ann', 'ben', 'cat'];
const ENDED_LOCKS = 2_000;

/** The real client, counting the locks and requests its reads bring back. */
function counting(client: TeleportClient) {
  const read = { locks: 0, requests: 0 };
  const wrapped: TeleportClient = Object.create(client) as TeleportClient;
  wrapped.getLocks = async (params) => {
    const locks = await client.getLocks(params);
    read.locks += locks.length;
    return locks;
  };
  wrapped.listAccessRequests = async (filter) => {
    const requests = await client.listAccessRequests(filter);
    read.requests += requests.length;
    return requests;
  };
  return { client: wrapped, read };
}

describe('a cluster full of ended locks', () => {
  let sim: SimCluster;
  let client: GrpcTeleportClient;

  before(async () => {
    sim = await startSimCluster();
    client = await clientFor(sim);
    for (const user of USERS) {
      for (let i = 0; i < 3; i++) {
        sim.store.createRequest({
          user,
          roles: ['node-access'],
          resources: [node(`${user}-${i}`), node(`${user}-${i}b`)],
          created: new Date(Date.now() - (10 - i) * 60_000),
          state: 'APPROVED',
        });
      }
    }
  });
  after(async () => {
    client.close();
    await sim.stop();
  });

  async function sweepReads() {
    const { client: teleport, read } = counting(client);
    const activities = createActivities({ teleport: () => teleport, log: silentLogger });
    const plan = await activities.planUsers({ fingerprints: {}, fullEvaluation: true });
    const decisions = [];
    for (const user of plan.changedUsers) {
      const result = await activities.evaluateUser({ user, policy: defaultPolicy() });
      decisions.push(...result.decisions.map((d) => d.id));
    }
    return { read: { ...read }, decisions: decisions.sort() };
  }

  test('what a sweep reads does not grow with ended locks', async () => {
    const before = await sweepReads();
    assert.ok(before.decisions.length > 0, 'the policy locks something');
    const approved = sim.store.listRequests({ state: 'APPROVED' });
    const past = new Date(Date.now() - 60_000);
    for (let i = 0; i < ENDED_LOCKS; i++) {
      // Mostly on requests long gone, some on requests still held: all out of force.
      const target = i % 100 === 0 ? (approved[i % approved.length]?.id ?? '') : `gone-${i}`;
      sim.store.upsertLock({
        name: watcherLockName(`old-${i}`),
        target: { accessRequest: target },
        expires: past,
      });
    }
    assert.equal(sim.store.listLocks().length >= ENDED_LOCKS, true);

    const after = await sweepReads();
    assert.deepEqual(after, before);
  });

  test("the watcher's lock carries Metadata.Expires, so the cluster deletes it when it ends", async () => {
    const [request] = sim.store.listRequests({ user: 'ann', state: 'APPROVED' });
    assert.ok(request);
    const ends = new Date(Date.now() + 300);
    const decision = lockDecision(
      { ...request, expires: ends },
      defaultPolicy(),
      'resource-limit',
      'test',
      { checks: [] },
      false,
    );
    const activities = createActivities({ teleport: () => client, log: silentLogger });
    const deleted = waitForStoreEvent(
      sim.store,
      (e) => e.type === 'delete' && e.name === watcherLockName(request.id),
      { timeoutMs: 10_000 },
    );
    const outcome = await activities.lockRequest({ decision, reviewMode: 'state' });
    assert.equal(outcome.status, 'applied');
    assert.equal(
      sim.store.getLock(watcherLockName(request.id))?.resourceExpires?.getTime(),
      ends.getTime(),
    );
    await deleted;
    assert.equal(sim.store.getLock(watcherLockName(request.id)), undefined);
  });
});
