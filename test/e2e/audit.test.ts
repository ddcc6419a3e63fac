// What the watcher records and how it survives: decisions found again with `jit-watcher
// decisions --user` (refused actions too), dry-run recording without acting, continue-as-new
// keeping state, and the recorded histories replaying without determinism errors.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { decisionsCommand } from '../../src/cli/commands/decisions';
import { watcherLockName } from '../../src/policy/decision';
import type { SweepPlan } from '../../src/temporal/sweepTypes';
import { waitFor } from '../../src/util/waitFor';
import { assertReplays, taskQueueHistories } from '../support/histories';
import { runningStack, type Stack } from '../support/stack';
import { minutesAgo, node } from '../support/requests';

async function runDecisions(stack: Stack, args: string[]): Promise<string> {
  let out = '';
  const code = await decisionsCommand(args, {
    stdout: (s) => (out += s),
    stderr: (s) => (out += s),
    env: { JIT_WATCHER_TEMPORAL_ADDRESS: stack.temporal.address },
    readFile: () => Promise.reject(new Error('no files')),
  });
  assert.equal(code, 0, out);
  return out;
}

/** The sweep that decided about `user` (a sweep queued by an earlier test may have been it). */
async function sweepThatDecided(stack: Stack, user: string): Promise<string> {
  return waitFor(
    async () => {
      const out = await runDecisions(stack, ['--user', user, '--json']);
      const first = out.trim().split('\n')[0];
      return first ? (JSON.parse(first) as { sweepId: string }).sweepId : undefined;
    },
    { timeoutMs: 20_000, intervalMs: 250, what: `visibility to list ${user}'s sweep` },
  );
}

describe('audit trail and durability', () => {
  // Tiny sweep limits, so a handful of requests makes a sweep continue as new several times.
  const suite = runningStack({
    continueAsNewAfterEvents: 40,
    sweepLimits: { pageSize: 2, pageBytes: 2_000, pagesPerRun: 2, resultsPerTask: 3 },
  });

  test('decisions --user finds every decision about that user, with its reason', async () => {
    const { store } = suite.stack.sim;
    const ok = store.createRequest({
      user: 'ivy',
      roles: ['node-access'],
      resources: [node('i-1')],
    });
    const bad = store.createRequest({ user: 'ivy', roles: ['prod-a', 'research-b'] });
    store.createRequest({ user: 'someone-else', roles: ['node-access'] });
    await suite.stack.sweep();

    const lines = await waitFor(
      async () => {
        const out = await runDecisions(suite.stack, ['--user', 'ivy', '--json']);
        const found = out.trim().split('\n').filter(Boolean);
        return found.length >= 2 ? found : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 250, what: 'visibility to list the sweep' },
    );
    const records = lines.map(
      (l) =>
        JSON.parse(l) as {
          decision: { requestId: string; action: string; reason: string; user: string };
          outcome?: { status: string };
        },
    );
    assert.ok(records.every((r) => r.decision.user === 'ivy'));
    const approve = records.find((r) => r.decision.requestId === ok.id);
    const deny = records.find((r) => r.decision.requestId === bad.id);
    assert.equal(approve?.decision.action, 'approve');
    assert.equal(approve?.outcome?.status, 'applied');
    assert.equal(deny?.decision.action, 'deny');
    assert.match(deny?.decision.reason ?? '', /prod/);

    const table = await runDecisions(suite.stack, ['--user', 'ivy']);
    assert.match(table, /^TIME\s+REQUEST\s+USER\s+ACTION\s+POLICY\s+OUTCOME\s+REASON/);
  });

  test("decisions shows an action Teleport refused as failed, with Teleport's message", async () => {
    const { store, faults } = suite.stack.sim;
    const request = store.createRequest({
      user: 'lena',
      roles: ['node-access'],
      resources: [node('l-1')],
    });
    // PermissionDenied is AccessDenied to the client: not retried, recorded as the outcome.
    faults.failNext('SetAccessRequestState', 1, grpc.status.PERMISSION_DENIED, 'access denied');
    await suite.stack.sweep();
    assert.equal(store.getRequest(request.id)?.state, 'PENDING');

    const line = await waitFor(
      async () =>
        (await runDecisions(suite.stack, ['--request', request.id, '--json'])).trim() || undefined,
      { timeoutMs: 20_000, intervalMs: 250, what: 'visibility to list the sweep' },
    );
    const record = JSON.parse(line.split('\n')[0] ?? '{}') as {
      decision: { action: string };
      outcome?: { status: string; detail: string };
    };
    assert.equal(record.decision.action, 'approve');
    assert.equal(record.outcome?.status, 'failed');
    assert.match(record.outcome?.detail ?? '', /access denied/);
  });

  test('dry-run records decisions and changes nothing', async () => {
    const { store } = suite.stack.sim;
    const policy = await suite.stack.control.policy();
    await suite.stack.control.setPolicy({ ...policy, dryRun: true });
    const pending = store.createRequest({
      user: 'jack',
      roles: ['node-access'],
      resources: [node('j-1')],
    });
    const old = store.createRequest({
      user: 'jack',
      roles: ['node-access'],
      resources: [node('j-2'), node('j-3'), node('j-4')],
      created: new Date(Date.now() - 60_000),
      state: 'APPROVED',
    });
    await suite.stack.sweep();
    assert.equal(store.getRequest(pending.id)?.state, 'PENDING');
    assert.equal(store.getLock(watcherLockName(old.id)), undefined);
    const recent = await suite.stack.control.recentDecisions();
    const mine = recent.filter((r) => r.decision.user === 'jack');
    assert.ok(mine.some((r) => r.decision.action === 'approve' && r.outcome.status === 'dry-run'));
    await suite.stack.control.setPolicy(policy);
    // A policy change sweeps at once: the next test starts once that sweep is over.
    await suite.stack.sweep();
  });

  test('continue-as-new keeps the state, and the next run does not sweep unasked', async () => {
    const before = await suite.stack.control.status();
    const firstRun = (await suite.stack.control.handle.describe()).runId;
    for (let i = 0; i < 6; i++) await suite.stack.sweep();
    await waitFor(async () => (await suite.stack.control.handle.describe()).runId !== firstRun, {
      timeoutMs: 30_000,
      what: 'the watcher to continue as new',
    });
    const after = await suite.stack.control.status();
    // Six asked for, six run: the run that continued as new waits for work or the poll interval.
    assert.equal(after.sweeps, before.sweeps + 6);
    assert.equal(after.currentSweep, undefined);
    assert.ok(after.totals.approved >= before.totals.approved);
    assert.deepEqual(await suite.stack.control.policy(), await suite.stack.control.policy());
    assert.ok((await suite.stack.control.recentDecisions()).length > 0);
  });

  test('a sweep larger than its limits continues as new and finishes the job', async () => {
    const { store } = suite.stack.sim;
    const held = (user: string, count: number) =>
      Array.from({ length: count }, (_, i) =>
        store.createRequest({
          user,
          roles: ['node-access'],
          resources: [node(`${user}-${i}`)],
          created: minutesAgo(count - i),
        }),
      );
    const kim = held('kim', 5);
    const lee = held('lee', 2);
    await suite.stack.sweep();

    for (const r of [...kim, ...lee]) assert.equal(store.getRequest(r.id)?.state, 'APPROVED');
    // kim holds five resources and the limit is three: her two oldest requests are locked.
    const locked = kim.filter((r) => store.getLock(watcherLockName(r.id)) !== undefined);
    assert.deepEqual(
      locked.map((r) => r.id),
      kim.slice(0, 2).map((r) => r.id),
    );
    const sweepId = await sweepThatDecided(suite.stack, 'lee');
    // Two runs for 7 pending requests at 4 per run, the second ending with kim's evaluation and
    // locks (3 results per task), and a third for lee's. Visibility lists a run a moment after
    // it closes.
    await waitFor(
      async () => (await suite.stack.client.workflow.count(`WorkflowId = '${sweepId}'`)).count >= 3,
      { timeoutMs: 20_000, intervalMs: 250, what: 'three runs of the sweep in visibility' },
    );
  });

  test('a page of large requests is read again, smaller', async () => {
    const { store } = suite.stack.sim;
    // Two of these take ~3.8 KB as JSON, over the suite's 2,000-byte pages.
    const large = [1, 2].map((i) =>
      store.createRequest({
        user: 'max',
        roles: ['node-access'],
        resources: [node(`max-${i}`)],
        reason: `${'x'.repeat(1_500)} ${i}`,
      }),
    );
    await suite.stack.sweep();
    for (const r of large) assert.equal(store.getRequest(r.id)?.state, 'APPROVED');

    const sweepId = await sweepThatDecided(suite.stack, 'max');
    const pages: number[] = [];
    for await (const run of suite.stack.client.workflow.list({
      query: `WorkflowId = '${sweepId}'`,
    })) {
      const history = await suite.stack.client.workflow
        .getHandle(run.workflowId, run.runId)
        .fetchHistory();
      for (const event of history.events ?? []) {
        const data = event.activityTaskCompletedEventAttributes?.result?.payloads?.[0]?.data;
        const plan = data ? (JSON.parse(Buffer.from(data).toString()) as SweepPlan) : undefined;
        if (plan?.pending) pages.push(Buffer.byteLength(JSON.stringify(plan.pending)));
      }
    }
    assert.ok(pages.length >= 2, `pages: ${pages.join(', ')}`);
    assert.ok(
      pages.every((bytes) => bytes <= 2_000),
      `page sizes: ${pages.join(', ')}`,
    );
  });

  test('recorded histories replay without determinism errors', async () => {
    const histories = await taskQueueHistories(suite.stack.client, suite.stack.taskQueue);
    assert.ok(histories.length >= 3, `found ${histories.length} histories`);
    await assertReplays(histories);
  });
});
