// Faults the watcher must ride out without applying any action twice: the cluster unavailable
// for a while, and a worker killed in the middle of a sweep with a second worker finishing it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SimStore } from '../../testkit/sim';
import { waitFor } from '../../src/util/waitFor';
import { startStack } from '../support/stack';
import { startWorkerProcess } from '../support/workerProcess';
import { node } from '../support/requests';

/** Counts the times each request was put in the APPROVED state. */
function countApprovals(store: SimStore): { counts: Map<string, number>; stop: () => void } {
  const counts = new Map<string, number>();
  const stop = store.subscribe((event) => {
    if (
      event.type === 'put' &&
      event.kind === 'access_request' &&
      event.request.state === 'APPROVED'
    ) {
      counts.set(event.request.id, (counts.get(event.request.id) ?? 0) + 1);
    }
  });
  return { counts, stop };
}

function createRequests(store: SimStore, n: number, user = 'kim'): string[] {
  return Array.from(
    { length: n },
    (_, i) =>
      store.createRequest({
        user: `${user}-${i}`,
        roles: ['node-access'],
        resources: [node(`k-${i}`)],
      }).id,
  );
}

describe('faults', () => {
  test('an unavailable cluster: the sweep retries, recovers, and approves each request once', async () => {
    const stack = await startStack();
    const worker = await stack.newWorker();
    try {
      const { store, faults } = stack.sim;
      const approvals = countApprovals(store);
      faults.setUnavailable(true);
      const ids = createRequests(store, 3);
      const listsBefore = faults.callCount('ListAccessRequests');
      await stack.control.sweepNow();
      await waitFor(() => faults.callCount('ListAccessRequests') >= listsBefore + 2, {
        timeoutMs: 30_000,
        what: 'the sweep to retry reading the cluster',
      });
      faults.setUnavailable(false);
      await waitFor(() => ids.every((id) => store.getRequest(id)?.state === 'APPROVED'), {
        timeoutMs: 60_000,
        what: 'every request approved after recovery',
      });
      approvals.stop();
      for (const id of ids)
        assert.equal(approvals.counts.get(id), 1, `request ${id} approved once`);
    } finally {
      await worker.stop();
      await stack.close();
    }
  });

  test('a worker killed mid-sweep: a second worker finishes, no action applied twice', async () => {
    const stack = await startStack();
    const { store, faults } = stack.sim;
    const approvals = countApprovals(store);
    // Slow reads keep actions in flight long enough to kill the worker among them.
    faults.setLatency('ListAccessRequests', 400);
    const ids = createRequests(store, 8, 'lee');

    const first = await startWorkerProcess(stack, ['--max-concurrent-activities', '2']);
    try {
      await stack.control.sweepNow();
      await waitFor(() => ids.some((id) => store.getRequest(id)?.state === 'APPROVED'), {
        timeoutMs: 60_000,
        what: 'the first approvals',
      });
    } finally {
      await first.kill();
    }
    const approvedByFirst = ids.filter((id) => store.getRequest(id)?.state === 'APPROVED').length;

    const second = await stack.newWorker();
    try {
      await waitFor(() => ids.every((id) => store.getRequest(id)?.state === 'APPROVED'), {
        timeoutMs: 90_000,
        what: 'the second worker to approve the rest',
      });
      approvals.stop();
      assert.ok(approvedByFirst < ids.length, 'the first worker was killed before finishing');
      for (const id of ids)
        assert.equal(approvals.counts.get(id), 1, `request ${id} approved once`);
    } finally {
      faults.setLatency('ListAccessRequests', 0);
      await second.stop();
      await stack.close();
    }
  });
});
