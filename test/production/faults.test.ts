// Faults against the production topology, read on the Teleport side: the worker running a sweep
// killed with SIGKILL while the other worker process finishes it, and the Temporal server killed
// mid-sweep and started again by its supervisor (scripts/test-production.ts). Every request is
// decided once: none lost, none acted on twice.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { describe, test } from 'node:test';
import type { SimStore } from '../../testkit/sim';
import { waitFor } from '../../src/util/waitFor';
import { startStack, type Stack } from '../support/stack';
import { startWorkerProcess, type WorkerProcess } from '../support/workerProcess';
import { watchLedger } from './support/ledger';
import { node } from '../support/requests';

const REQUESTS = 12;
const FINISH_TIMEOUT_MS = 180_000; // a dead worker's sticky tasks time out, a restarted server rejoins

function createRequests(store: SimStore, prefix: string): string[] {
  return Array.from(
    { length: REQUESTS },
    (_, i) =>
      store.createRequest({
        user: `${prefix}-${i}`,
        roles: ['node-access'],
        resources: [node(`${prefix}-${i}`)],
      }).id,
  );
}

/** Starts a sweep over slow reads and waits until it has approved some, not all, requests. */
async function sweepUnderWay(stack: Stack, ids: string[]): Promise<void> {
  await stack.control.sweepNow();
  await waitFor(() => ids.some((id) => stack.sim.store.getRequest(id)?.state === 'APPROVED'), {
    timeoutMs: 90_000,
    what: 'the first approvals',
  });
}

async function allApprovedOnce(
  stack: Stack,
  ids: string[],
  ledger: ReturnType<typeof watchLedger>,
): Promise<void> {
  await waitFor(() => ids.every((id) => stack.sim.store.getRequest(id)?.state === 'APPROVED'), {
    timeoutMs: FINISH_TIMEOUT_MS,
    what: 'every request approved',
  });
  await waitFor(
    async () => {
      const s = await stack.control.status();
      return !s.currentSweep && !s.sweepQueued;
    },
    { timeoutMs: FINISH_TIMEOUT_MS, intervalMs: 250, what: 'the sweep to end' },
  );
  for (const id of ids) assert.equal(ledger.approved(id), 1, `request ${id} approved exactly once`);
  const recorded = new Set(
    (await stack.control.recentDecisions()).map((r) => r.decision.requestId),
  );
  for (const id of ids) assert.ok(recorded.has(id), `the decision on ${id} is recorded`);
}

/** The worker process that ran the sweep's latest workflow task (identity `<pid>@<host>`). */
async function workerRunningSweep(stack: Stack, workers: WorkerProcess[]): Promise<WorkerProcess> {
  const status = await stack.control.status();
  assert.ok(status.currentSweep, 'a sweep is under way');
  const history = await stack.client.workflow.getHandle(status.currentSweep.id).fetchHistory();
  const identities = (history.events ?? [])
    .map((e) => e.workflowTaskStartedEventAttributes?.identity)
    .filter(Boolean);
  const last = identities[identities.length - 1] ?? '';
  const worker = workers.find((w) => last.startsWith(`${w.pid}@`));
  assert.ok(worker, `the sweep's worker ${last} is one of ours`);
  return worker;
}

interface Scene {
  stack: Stack;
  workers: WorkerProcess[];
  ids: string[];
}

/**
 * Two worker processes over slow reads (two activities at a time), a sweep over REQUESTS new
 * requests under way; `strike` hits mid-sweep, `recover` waits for what a supervisor does, then
 * every request must be approved once.
 */
async function midSweep(
  prefix: string,
  strike: (scene: Scene) => Promise<void>,
  recover: () => Promise<unknown> = () => Promise.resolve(),
): Promise<void> {
  const stack = await startStack();
  const ledger = watchLedger(stack.sim.store);
  const workers: WorkerProcess[] = [];
  try {
    stack.sim.faults.setLatency('ListAccessRequests', 400);
    const flags = ['--max-concurrent-activities', '2'];
    workers.push(await startWorkerProcess(stack, flags), await startWorkerProcess(stack, flags));
    const ids = createRequests(stack.sim.store, prefix);
    await sweepUnderWay(stack, ids);
    await strike({ stack, workers, ids });
    assert.ok(
      ids.some((id) => stack.sim.store.getRequest(id)?.state === 'PENDING'),
      'the fault struck before the sweep finished',
    );
    await recover();
    await allApprovedOnce(stack, ids, ledger);
  } finally {
    ledger.stop();
    for (const w of workers) await w.kill();
    await stack.close();
  }
}

describe('production server: faults with two worker processes', () => {
  test('the worker running a sweep is killed: the other finishes it, each request approved once', () =>
    midSweep('kim', async ({ stack, workers }) => {
      const victim = await workerRunningSweep(stack, workers);
      await victim.kill();
    }));

  test('the Temporal server is killed mid-sweep and restarted: the sweep finishes, each request approved once', () => {
    const pidFile = process.env.JIT_TEST_TEMPORAL_SERVER_PID_FILE;
    assert.ok(pidFile, 'run by `npm run test:production`, which supervises the server');
    const serverPid = () => Number(fs.readFileSync(pidFile, 'utf8')) || undefined;
    let killed: number | undefined;
    return midSweep(
      'lou',
      () => {
        killed = serverPid();
        assert.ok(killed, 'the server is running');
        process.kill(killed, 'SIGKILL');
        return Promise.resolve();
      },
      () =>
        waitFor(() => serverPid() !== killed && serverPid(), {
          timeoutMs: 30_000,
          what: 'the supervisor to start the server again',
        }),
    );
  });
});
