// Records watcher and sweep histories with the workflow code of a landed build, in Temporal's
// binary History form, as <scenario>-<NN>-<type>.bin (docs/upgrading-patches.md). Run from a
// worktree of that build, whose stack (test/support/stack.ts) and dev server it uses:
//   cd /work/wt/landed-<sha> && TEMPORAL_CLI=... OUT=<dir> [SCENARIOS=watcher,paused]
//     node --import tsx <this repo>/test/histories-landed/record-landed.ts
// Works with the stacks of 64d3d75 (signals only, worker returned unstarted) and of 30ca477
// (updates, a running worker service).
/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call,
   @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-return,
   @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-explicit-any --
   the stack, client and proto classes are the landed build's, loaded from its checkout at run
   time: their types are that build's, not this one's. */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

const fromBuild = createRequire(path.join(process.cwd(), 'package.json'));
const { temporal } = fromBuild('@temporalio/proto');
const { waitFor } = fromBuild('./src/util/waitFor');
const { startStack } = fromBuild('./test/support/stack');

type Stack = any;

const OUT = process.env.OUT ?? '';
const ONLY = (process.env.SCENARIOS ?? '').split(',').filter(Boolean);
const SMALL = { pageSize: 2, pageBytes: 256 * 1024, pagesPerRun: 1, resultsPerTask: 3 };
const node = (name: string) => ({ clusterName: 'sim', kind: 'node', name });
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

interface Scenario {
  name: string;
  policy?: Record<string, unknown>;
  continueAsNewAfterEvents?: number;
  sweepLimits?: typeof SMALL;
  play(stack: Stack): Promise<void>;
}

const scenarios: Scenario[] = [
  {
    // Continued as new (twice at least), every well-formed signal (and update, where the build
    // has them), sweeps spanning runs.
    name: 'watcher',
    continueAsNewAfterEvents: 120,
    async play(stack) {
      holdings(stack, 'carol', 5);
      enforcementStory(stack);
      await stack.sweep();
      await everyMessage(stack);
      await stack.sweep();
      for (let i = 0; i < 40 && (await runsOf(stack)) < 2; i++) await stack.sweep();
      await stack.sweep();
    },
  },
  {
    // Continued as new while paused (signals arriving meanwhile), then resumed: the run that
    // continued while paused sweeps at once on resume.
    name: 'paused',
    continueAsNewAfterEvents: 60,
    async play(stack) {
      enforcementStory(stack);
      await stack.sweep();
      const { handle } = stack.control;
      await handle.signal('pause');
      await waitFor(async () => (await stack.control.status()).paused === true, {
        timeoutMs: 30_000,
        what: 'the watcher to pause',
      });
      for (let i = 0; i < 200 && (await runsOf(stack)) < 2; i++)
        await handle.signal('requestsChanged', { requestIds: [`r-${i}`], cause: 'recorded' });
      if ((await runsOf(stack)) < 2) throw new Error('paused watcher did not continue as new');
      holdings(stack, 'erin', 3);
      await handle.signal('resume');
      await stack.sweep();
    },
  },
  {
    // More decisions in one run than its search attributes hold (decision-index-children).
    name: 'large-sweep',
    sweepLimits: { pageSize: 100, pageBytes: 256 * 1024, pagesPerRun: 1, resultsPerTask: 1_500 },
    async play(stack) {
      for (let u = 0; u < 30; u++) holdings(stack, `user-${String(u).padStart(2, '0')}`, 4);
      await stack.sweep();
    },
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
];

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

async function everyMessage(stack: Stack): Promise<void> {
  const { handle } = stack.control;
  const policy = await stack.control.policy();
  const at = new Date().toISOString();
  const signals: [string, unknown[]][] = [
    ['pause', []],
    ['resume', []],
    ['sweepNow', []],
    ['requestsChanged', [{ requestIds: ['no-such-request'], cause: 'recorded' }]],
    ['requestsChanged', [{ requestIds: [], reconcile: true, cause: 'recorded' }]],
    ['reportWorker', [{ worker: 'recorder', at, eventStream: 'connected' }]],
    ['setPolicy', [{ ...policy, maxResources: 4 }]],
    ['setPolicy', [policy]],
  ];
  for (const [name, args] of signals) await handle.signal(name, ...args);
  const commands = stack.control.commands;
  if (commands) {
    await commands.pause();
    await commands.resume();
    await commands.sweepNow();
    await commands.setPolicy({ ...policy, maxResources: 3 });
    await commands.setPolicy(policy);
  }
  await stack.control.status();
  await stack.control.recentDecisions();
}

async function runsOf(stack: Stack): Promise<number> {
  const id = stack.control.handle.workflowId;
  return (await stack.client.workflow.count(`WorkflowId = '${id}'`)).count;
}

/** Starts a worker on either build's stack; returns how to stop it. */
async function startWorker(stack: Stack): Promise<() => Promise<void>> {
  const worker = await stack.newWorker();
  if (typeof worker.run === 'function') {
    const running = worker.run();
    return async () => {
      worker.shutdown();
      await running;
    };
  }
  return () => worker.stop();
}

async function record(scenario: Scenario): Promise<number> {
  const stack = await startStack({
    policy: scenario.policy,
    continueAsNewAfterEvents: scenario.continueAsNewAfterEvents,
    sweepLimits: scenario.sweepLimits ?? SMALL,
  });
  const stop = await startWorker(stack);
  let written = 0;
  try {
    await scenario.play(stack);
    await stack.control.handle.terminate('recorded');
    const query = `TaskQueue = '${stack.taskQueue}'`;
    await waitFor(
      async () =>
        (await stack.client.workflow.count(`${query} AND ExecutionStatus = 'Running'`)).count === 0,
      { timeoutMs: 60_000, what: 'every run to close' },
    );
    const runs: any[] = [];
    for await (const run of stack.client.workflow.list({ query })) runs.push(run);
    runs.sort((a, b) => a.startTime.getTime() - b.startTime.getTime());
    for (const [i, run] of runs.entries()) {
      const history = await stack.client.workflow
        .getHandle(run.workflowId, run.runId)
        .fetchHistory();
      const bytes = temporal.api.history.v1.History.encode(history).finish();
      const file = `${scenario.name}-${String(i + 1).padStart(2, '0')}-${run.type}.bin`;
      fs.writeFileSync(path.join(OUT, file), bytes);
      written += 1;
    }
  } finally {
    await stop();
    await stack.close();
  }
  return written;
}

async function main(): Promise<void> {
  if (!OUT) throw new Error('set OUT to the folder to write histories to');
  fs.mkdirSync(OUT, { recursive: true });
  for (const scenario of scenarios) {
    if (ONLY.length > 0 && !ONLY.includes(scenario.name)) continue;
    const count = await record(scenario);
    console.log(`record-landed: ${scenario.name}: ${count} runs`);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(
      `record-landed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
    );
    process.exit(1);
  },
);
