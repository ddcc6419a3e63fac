// `npm run record-histories`: records workflow histories from the current code into
// test/histories/ (replacing what is there), against a real Temporal dev server and the simulated
// Teleport cluster. Each scenario covers something a running watcher may hold when a new build
// takes over: every signal (good and malformed), every update, continue-as-new, a sweep spanning
// runs, review mode, dry run. Re-record after a deliberate, patched() change to workflow code.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Client } from '@temporalio/client';
import { EMBEDDED_SEARCH_ATTRIBUTE_VALUE_LIMIT } from '../src/app/embeddedTemporal';
import type { Policy } from '../src/policy/types';
import type { SweepLimits } from '../src/temporal/sweepTypes';
import { waitFor } from '../src/util/waitFor';
import { HISTORIES_DIR, historyToObject, type RecordedRun } from '../test/support/histories';
import { startStack, type Stack } from '../test/support/stack';
import { minutesAgo, node } from '../test/support/requests';

/** Small limits so a handful of requests makes a sweep continue as new. */
const SMALL: SweepLimits = {
  pageSize: 2,
  pageBytes: 256 * 1024,
  pagesPerRun: 1,
  resultsPerTask: 3,
};

interface Scenario {
  name: string;
  policy?: Partial<Policy>;
  continueAsNewAfterEvents?: number;
  sweepLimits?: SweepLimits;
  searchAttributeValueLimit?: number;
  play(stack: Stack): Promise<void>;
}

/** 100 requests a run: more ids than one search attribute value holds under Temporal's default. */
const LARGE_SWEEP: SweepLimits = {
  pageSize: 100,
  pageBytes: 256 * 1024,
  pagesPerRun: 1,
  resultsPerTask: 1_500,
};

async function largeSweep(stack: Stack): Promise<void> {
  for (let u = 0; u < 30; u++) holdings(stack, `user-${String(u).padStart(2, '0')}`, 4);
  await stack.sweep();
}

const scenarios: Scenario[] = [
  {
    name: 'watcher',
    continueAsNewAfterEvents: 120,
    async play(stack) {
      holdings(stack, 'carol', 5);
      enforcementStory(stack);
      await stack.sweep();
      await everyMessage(stack);
      await stack.sweep();
      // Until the watcher has continued as new at least once (bounded).
      for (
        let i = 0;
        i < 40 && (await runsOf(stack.client, stack.control.handle.workflowId)) < 2;
        i++
      )
        await stack.sweep();
      // The continued run's own first task (it waits rather than sweeping at once), then a sweep.
      await stack.sweep();
    },
  },
  {
    // More decisions in one run than its search attributes hold: decisionIndex children.
    name: 'large-sweep',
    sweepLimits: LARGE_SWEEP,
    play: largeSweep,
  },
  {
    // The same under the embedded dev server's cap: the run's own attributes hold its 100 ids.
    name: 'raised-index-cap',
    sweepLimits: LARGE_SWEEP,
    searchAttributeValueLimit: EMBEDDED_SEARCH_ATTRIBUTE_VALUE_LIMIT,
    play: largeSweep,
  },
  {
    name: 'review-mode',
    policy: { reviewMode: 'review' },
    async play(stack) {
      enforcementStory(stack);
      await stack.sweep();
    },
  },
  {
    name: 'dry-run',
    policy: { dryRun: true },
    async play(stack) {
      enforcementStory(stack);
      holdings(stack, 'dora', 4, 'APPROVED');
      await stack.sweep();
    },
  },
  {
    // The watcher's deadline timer fires: access that starts later is locked at its start.
    name: 'deadline',
    async play(stack) {
      holdings(stack, 'gina', 3, 'APPROVED');
      const startsAt = new Date(Date.now() + 3_000);
      stack.sim.store.createRequest({
        user: 'gina',
        roles: ['node-access'],
        resources: [node('gina-later')],
        assumeStartTime: startsAt,
        state: 'APPROVED',
      });
      await stack.sweep();
      await waitFor(() => stack.sim.store.listLocks().length > 0, {
        timeoutMs: 30_000,
        what: 'the lock at the deadline',
      });
      await stack.sweep();
    },
  },
  {
    // The time rules: a request outside its window left to humans (recorded once, though two
    // sweeps judge it), one with a ticket approved for at most maxAccess, one without denied.
    name: 'time-rules',
    policy: {
      environments: [
        { pattern: '^prod-', window: closedWindow(), reason: '^INC-[0-9]+' },
        { pattern: '^stage-', maxAccess: '1h', reason: '^INC-[0-9]+' },
      ],
    },
    async play(stack) {
      const { store } = stack.sim;
      store.createRequest({ user: 'kim', roles: ['prod-db'], reason: 'INC-1: failover' });
      store.createRequest({ user: 'lou', roles: ['stage-db'], reason: 'INC-2: load test' });
      store.createRequest({ user: 'max', roles: ['stage-db'], reason: 'just looking' });
      await stack.sweep();
      await stack.sweep();
    },
  },
  {
    // Budgets: the usage ledger's shard workflows take the sweeps' reads and writes; one user's two
    // pending requests are judged in turn, and only one fits the grants left.
    name: 'budgets',
    policy: {
      environments: [
        {
          pattern: '^prod-',
          budget: [
            { hours: 8, per: '7d' },
            { grants: 2, per: '1d' },
          ],
        },
      ],
    },
    async play(stack) {
      const { store } = stack.sim;
      store.createRequest({
        user: 'nina',
        roles: ['prod-db'],
        created: minutesAgo(30),
        state: 'APPROVED',
      });
      store.createRequest({ user: 'nina', roles: ['prod-db'] });
      store.createRequest({ user: 'nina', roles: ['prod-db'] });
      await stack.sweep();
      await stack.sweep();
      // A third request, once her shard exists: the sweep reads it (readUsage) and denies.
      store.createRequest({ user: 'nina', roles: ['prod-db'] });
      await stack.sweep();
    },
  },
  {
    // Shadow mode and agreement with humans: auto-approval off leaves requests to humans; a shadow
    // with it on and a tighter limit disagrees (pending and held); humans then approve and deny.
    name: 'shadow',
    policy: { autoApprove: false },
    async play(stack) {
      const { store } = stack.sim;
      const { handle, commands } = stack.control;
      const policy = await stack.control.policy();
      await handle.signal('setShadow', { maxResources: 0 });
      await handle.signal('setShadow', { ...policy, autoApprove: true, maxResources: 2 });
      await commands.setShadow({ ...policy, autoApprove: true, maxResources: 1 });
      await commands.setShadow({ maxResources: 'one' } as never).catch(() => undefined);
      holdings(stack, 'dora', 2, 'APPROVED');
      const approve = store.createRequest({
        user: 'alice',
        roles: ['node-access'],
        resources: [node('a-1'), node('a-2')],
      });
      const deny = store.createRequest({
        user: 'carol',
        roles: ['node-access'],
        resources: [node('c-1')],
      });
      await stack.sweep();
      store.submitReview(approve.id, { author: 'erin', proposedState: 'APPROVED', reason: 'ok' });
      store.submitReview(deny.id, { author: 'frank', proposedState: 'DENIED', reason: 'no' });
      await stack.sweep();
      await handle.signal('clearShadow');
      await commands.clearShadow();
      await stack.control.shadow();
      await stack.sweep();
    },
  },
];

/** A daily window (UTC) that opens an hour from now: closed while the scenario plays. */
function closedWindow(): string {
  const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);
  const opens = Date.now() + 60 * 60_000;
  return `daily ${hhmm(opens)}-${hhmm(opens + 60 * 60_000)} UTC`;
}

/** An approval, a denial for mixing environments, and a lock for exceeding the limit. */
function enforcementStory(stack: Stack): void {
  const { store } = stack.sim;
  store.createRequest({
    user: 'alice',
    roles: ['node-access'],
    resources: [node('a-1'), node('a-2')],
    created: minutesAgo(5),
    state: 'APPROVED',
  });
  store.createRequest({
    user: 'alice',
    roles: ['node-access'],
    resources: [node('a-3'), node('a-4')],
  });
  store.createRequest({ user: 'bob', roles: ['prod-db', 'research-lab'] });
}

/** `count` one-node requests, oldest first: pending, or already approved (held). */
function holdings(stack: Stack, user: string, count: number, state?: 'APPROVED'): void {
  for (let i = 0; i < count; i++)
    stack.sim.store.createRequest({
      user,
      roles: ['node-access'],
      resources: [node(`${user}-${i}`)],
      created: minutesAgo(count - i),
      ...(state ? { state } : {}),
    });
}

/** Every signal, good and malformed, every update (a refused one leaves no event), every query. */
async function everyMessage(stack: Stack): Promise<void> {
  const { handle, commands } = stack.control;
  const policy = await stack.control.policy();
  const at = new Date().toISOString();
  const signals: [string, unknown[]][] = [
    ['pause', []],
    ['resume', [null]],
    ['sweepNow', []],
    ['requestsChanged', [{ requestIds: ['no-such-request'], cause: 'recorded' }]],
    ['requestsChanged', [null]],
    ['requestsChanged', [{}]],
    ['requestsChanged', [{ requestIds: [1, 2], cause: 'recorded' }]],
    [
      'reportWorker',
      [{ worker: 'recorder', at, eventStream: 'connected', reportIntervalMs: 60_000 }],
    ],
    ['reportWorker', [null]],
    ['reportWorker', [{ worker: 'recorder', at, extra: true }]],
    ['setPolicy', [{ ...policy, maxResources: 4 }]],
    ['setPolicy', [{ maxResources: 0 }]],
    ['setPolicy', [policy]],
  ];
  for (const [name, args] of signals) await handle.signal(name, ...args);
  await commands.pause();
  await commands.resume();
  await commands.sweepNow();
  await commands.setPolicy({ ...policy, maxResources: 3 });
  await commands.setPolicy({ ...policy, maxResources: 0 }).catch(() => undefined);
  await stack.control.status();
  await stack.control.recentDecisions();
}

async function runsOf(client: Client, workflowId: string): Promise<number> {
  return (await client.workflow.count(`WorkflowId = '${workflowId}'`)).count;
}

async function record(scenario: Scenario): Promise<number> {
  const stack = await startStack({
    policy: scenario.policy,
    continueAsNewAfterEvents: scenario.continueAsNewAfterEvents,
    sweepLimits: scenario.sweepLimits ?? SMALL,
    searchAttributeValueLimit: scenario.searchAttributeValueLimit,
  });
  const worker = await stack.newWorker();
  let written = 0;
  try {
    await scenario.play(stack);
    const query = `TaskQueue = '${stack.taskQueue}'`;
    // The watcher, and the ledger's shards where budgets started them.
    for await (const run of stack.client.workflow.list({
      query: `${query} AND ExecutionStatus = 'Running'`,
    }))
      if (run.type !== 'sweep')
        await stack.client.workflow.getHandle(run.workflowId).terminate('recorded');
    await waitFor(
      async () =>
        (await stack.client.workflow.count(`${query} AND ExecutionStatus = 'Running'`)).count === 0,
      { timeoutMs: 30_000, what: 'every run to close' },
    );
    const runs = [];
    for await (const run of stack.client.workflow.list({ query })) runs.push(run);
    runs.sort((a, b) => a.startTime.getTime() - b.startTime.getTime());
    const dir = path.join(HISTORIES_DIR, scenario.name);
    fs.mkdirSync(dir, { recursive: true });
    for (const [i, run] of runs.entries()) {
      const history = await stack.client.workflow
        .getHandle(run.workflowId, run.runId)
        .fetchHistory();
      const recorded: RecordedRun = {
        scenario: scenario.name,
        workflowType: run.type,
        workflowId: run.workflowId,
        runId: run.runId,
        history: historyToObject(history),
      };
      const file = path.join(dir, `${String(i + 1).padStart(2, '0')}-${run.type}.json`);
      fs.writeFileSync(file, JSON.stringify(recorded, null, 1) + '\n');
      written += 1;
    }
  } finally {
    await worker.stop();
    await stack.close();
  }
  return written;
}

/** `record-histories [NAME...]`: only the named scenarios, the others' histories kept. */
async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const unknown = only.find((name) => !scenarios.some((s) => s.name === name));
  if (unknown !== undefined)
    throw new Error(
      `unknown scenario ${JSON.stringify(unknown)}; scenarios: ${scenarios.map((s) => s.name).join(', ')}`,
    );
  if (only.length === 0) fs.rmSync(HISTORIES_DIR, { recursive: true, force: true });
  for (const scenario of scenarios) {
    if (only.length > 0 && !only.includes(scenario.name)) continue;
    fs.rmSync(path.join(HISTORIES_DIR, scenario.name), { recursive: true, force: true });
    const count = await record(scenario);
    console.log(`record-histories: ${scenario.name}: ${count} runs`);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`record-histories: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
