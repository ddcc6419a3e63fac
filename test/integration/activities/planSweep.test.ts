// planSweep against the simulated cluster over real mTLS: requesters choose how large a request
// is (its reason, its resources), and a page of large ones must still fit a Temporal payload. A
// full sweep reads such a page again, smaller; a targeted sweep cuts its named requests into
// pages. Either way every pending request comes exactly once, oldest first.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startSimCluster, type SimCluster } from '../../../testkit/sim';
import type { GrpcTeleportClient } from '../../../src/teleport/client';
import { createPlanSweep } from '../../../src/temporal/activities/planSweep';
import type { PlanInput, SweepPlan } from '../../../src/temporal/sweepTypes';
import { silentLogger } from '../../../src/util/logger';
import { clientFor } from '../../support/teleport';

const PAGE_BYTES = 4_000;

describe('planSweep pages of large requests', () => {
  let sim: SimCluster;
  let client: GrpcTeleportClient;
  let planSweep: (input: PlanInput) => Promise<SweepPlan>;
  const ids: string[] = [];

  before(async () => {
    sim = await startSimCluster();
    client = await clientFor(sim);
    planSweep = createPlanSweep({ teleport: () => client, log: silentLogger });
    // Seven requests of ~1.6 KB each as JSON: two fit a 4,000-byte page, three do not.
    for (let i = 0; i < 7; i++) {
      const request = sim.store.createRequest({
        user: `user-${i % 3}`,
        roles: ['node-access'],
        resources: [{ clusterName: 'sim', kind: 'node', name: `node-${i}` }],
        reason: `${'because '.repeat(180)}${i}`,
        created: new Date(Date.now() - (10 - i) * 60_000),
      });
      ids.push(request.id);
    }
  });
  after(async () => {
    client.close();
    await sim.stop();
  });

  async function allPages(input: Omit<PlanInput, 'afterKey'>): Promise<string[][]> {
    const pages: string[][] = [];
    let afterKey: string | undefined;
    do {
      const plan = await planSweep({ ...input, ...(afterKey ? { afterKey } : {}) });
      assert.ok(
        Buffer.byteLength(JSON.stringify(plan.pending)) <= PAGE_BYTES,
        `a page of ${plan.pending.length} requests is over ${PAGE_BYTES} bytes`,
      );
      pages.push(plan.pending.map((r) => r.id));
      afterKey = plan.nextKey;
    } while (afterKey);
    return pages;
  }

  test('a full sweep reads a page of large requests again, smaller', async () => {
    const pages = await allPages({ pageSize: 5, pageBytes: PAGE_BYTES });
    assert.deepEqual(pages.flat(), ids);
    assert.ok(pages.every((page) => page.length <= 2));
  });

  test('a targeted sweep cuts the requests it was named into pages', async () => {
    const pages = await allPages({
      pageSize: 5,
      pageBytes: PAGE_BYTES,
      targets: [...ids].reverse(),
    });
    assert.deepEqual(pages.flat(), ids);
    assert.ok(pages.every((page) => page.length === 2 || page === pages[pages.length - 1]));
  });
});
