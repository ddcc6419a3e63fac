// The essentials against the Temporal server production runs (built from go.temporal.io/server, on
// PostgreSQL with SQL visibility), served by two `jit-watcher worker` processes: approvals,
// denials, locks, every signal and query, `decisions --user` / `--request`, and the Web UI's
// filter on the search attributes. Run by `npm run test:production`, which starts that server.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { watcherLockName } from '../../src/policy/decision';
import { waitFor } from '../../src/util/waitFor';
import { decisionsJson } from '../support/decisionsCli';
import { startStack, type Stack } from '../support/stack';
import { startWorkerProcess, type WorkerProcess } from '../support/workerProcess';
import { watchLedger, type Ledger } from './support/ledger';
import { createEnforcementStory, minutesAgo, node } from '../support/requests';

const VISIBILITY_TIMEOUT_MS = 30_000; // SQL visibility is written by the server's task queue

const decisions = (stack: Stack, args: string[]) => decisionsJson(stack.temporal.address, args);

describe('production server: essentials with two worker processes', () => {
  let stack: Stack;
  let ledger: Ledger;
  const workers: WorkerProcess[] = [];
  before(async () => {
    stack = await startStack();
    ledger = watchLedger(stack.sim.store);
    workers.push(await startWorkerProcess(stack), await startWorkerProcess(stack));
  });
  after(async () => {
    ledger?.stop();
    for (const w of workers) await w.kill();
    await stack?.close();
  });

  test('approves compliant requests and denies violations, each once, with the reason', async () => {
    const { store } = stack.sim;
    const { ok, mixed, many } = createEnforcementStory(store, 'a');
    await stack.sweep();
    assert.equal(store.getRequest(ok.id)?.state, 'APPROVED');
    assert.equal(store.getRequest(mixed.id)?.state, 'DENIED');
    assert.match(store.getRequest(mixed.id)?.resolveReason ?? '', /prod.*research/);
    assert.equal(
      store.getRequest(many.id)?.resolveReason,
      'Request contains 5 resources, exceeds limit of 3; ask for at most 3 resources',
    );
    assert.deepEqual(
      [ledger.approved(ok.id), ledger.denied(mixed.id), ledger.denied(many.id)],
      [1, 1, 1],
    );
  });

  test('a fourth resource locks the oldest request; prod then research locks the prod one', async () => {
    const { store } = stack.sim;
    const old = store.createRequest({
      user: 'erin',
      roles: ['node-access'],
      resources: [node('e-1'), node('e-2')],
      created: minutesAgo(30),
      state: 'APPROVED',
    });
    const prod = store.createRequest({
      user: 'carol',
      roles: ['prod-db'],
      created: minutesAgo(20),
      state: 'APPROVED',
    });
    await stack.sweep();
    const fresh = store.createRequest({
      user: 'erin',
      roles: ['node-access'],
      resources: [node('e-3'), node('e-4')],
    });
    const research = store.createRequest({ user: 'carol', roles: ['research-lab'] });
    await stack.sweep();
    assert.equal(store.getRequest(fresh.id)?.state, 'APPROVED');
    assert.equal(store.getRequest(research.id)?.state, 'APPROVED');
    assert.equal(store.getLock(watcherLockName(old.id))?.target.accessRequest, old.id);
    assert.match(store.getLock(watcherLockName(prod.id))?.message ?? '', /research/);
    assert.equal(store.getLock(watcherLockName(fresh.id)), undefined);
  });

  test('signals: pause holds every change, resume and requestsChanged act, setPolicy applies', async () => {
    const { store } = stack.sim;
    const { control } = stack;
    await control.pause();
    const held = store.createRequest({
      user: 'frank',
      roles: ['node-access'],
      resources: [node('f-1')],
    });
    await control.sweepNow();
    assert.equal((await control.status()).paused, true);
    assert.equal(store.getRequest(held.id)?.state, 'PENDING');
    await control.resume();
    await stack.sweep();
    assert.equal(store.getRequest(held.id)?.state, 'APPROVED');

    // What a worker's event stream sends: the watcher sweeps at once, no sweepNow needed.
    const seen = store.createRequest({
      user: 'gus',
      roles: ['node-access'],
      resources: [node('g-1')],
    });
    await control.requestsChanged({ requestIds: [seen.id], cause: 'test: event stream' });
    await waitFor(() => store.getRequest(seen.id)?.state === 'APPROVED', {
      timeoutMs: 60_000,
      what: 'requestsChanged to approve',
    });

    const policy = await control.policy();
    await control.setPolicy({ ...policy, maxResources: 6 });
    const big = store.createRequest({
      user: 'gina',
      roles: ['node-access'],
      resources: ['1', '2', '3', '4', '5'].map(node),
    });
    await stack.sweep();
    assert.equal(store.getRequest(big.id)?.state, 'APPROVED');
    assert.equal((await control.policy()).maxResources, 6);
    await control.setPolicy(policy);

    await control.reportWorker({
      worker: 'test-reporter',
      eventStream: 'off',
      at: new Date().toISOString(),
    });
    await waitFor(async () => (await control.status()).workers['test-reporter'], {
      timeoutMs: 30_000,
      what: 'reportWorker in status',
    });
  });

  test('queries: status, policy and recent decisions', async () => {
    const status = await stack.control.status();
    assert.equal(status.paused, false);
    assert.ok(status.sweeps >= 4, `sweeps: ${status.sweeps}`);
    assert.ok(
      status.totals.approved >= 5 && status.totals.denied >= 2 && status.totals.locked >= 2,
    );
    assert.equal((await stack.control.policy()).maxResources, 3);
    const recent = await stack.control.recentDecisions();
    assert.ok(recent.some((r) => r.decision.action === 'deny' && r.decision.user === 'bob'));
    assert.ok(recent.some((r) => r.decision.action === 'lock' && r.decision.user === 'carol'));
  });

  test('decisions --user and --request read the sweeps back through SQL visibility', async () => {
    const { store } = stack.sim;
    const alice = store.listRequests().filter((r) => r.user === 'alice');
    const lines = await waitFor(
      async () => {
        const found = await decisions(stack, ['--user', 'alice']);
        return found.length > 0 ? found : undefined;
      },
      { timeoutMs: VISIBILITY_TIMEOUT_MS, intervalMs: 250, what: "alice's decisions" },
    );
    const records = lines.map(
      (l) =>
        JSON.parse(l) as {
          decision: { user: string; requestId: string; action: string };
          outcome?: { status: string };
        },
    );
    assert.ok(records.every((r) => r.decision.user === 'alice'));
    assert.ok(
      records.some(
        (r) =>
          r.decision.requestId === alice[0]?.id &&
          r.decision.action === 'approve' &&
          r.outcome?.status === 'applied',
      ),
    );

    const bob = store.listRequests().find((r) => r.user === 'bob');
    const byRequest = await waitFor(
      async () => (await decisions(stack, ['--request', bob?.id ?? '?']))[0],
      { timeoutMs: VISIBILITY_TIMEOUT_MS, intervalMs: 250, what: "bob's request in decisions" },
    );
    assert.equal(
      (JSON.parse(byRequest) as { decision: { action: string } }).decision.action,
      'deny',
    );
  });

  test("the Web UI's filter finds the sweeps that decided about a user", async () => {
    const query = "WorkflowType = 'sweep' AND JitUsers = 'alice'";
    const ids = await waitFor(
      async () => {
        const found: string[] = [];
        for await (const wf of stack.client.workflow.list({ query })) found.push(wf.workflowId);
        return found.length > 0 ? found : undefined;
      },
      { timeoutMs: VISIBILITY_TIMEOUT_MS, intervalMs: 250, what: query },
    );
    assert.ok(
      ids.every((id) => id.startsWith(`jit-watcher/${stack.sim.clusterName}/sweep/`)),
      ids.join(', '),
    );
    const bobs: string[] = [];
    for await (const wf of stack.client.workflow.list({
      query: "WorkflowType = 'sweep' AND JitActions = 'deny' AND JitUsers = 'bob'",
    }))
      bobs.push(wf.workflowId);
    assert.ok(bobs.length >= 1, 'a sweep that denied bob is found by JitActions and JitUsers');
  });
});
