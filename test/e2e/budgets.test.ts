// Budgets end to end, on the simulated cluster with its clock moved instead of waited for: access
// in force is locked the moment its user's hours budget runs out (the watcher's deadline timer,
// the poll at 30 s, so only the timer explains a lock within 2 s), once even when the worker dies
// at that moment; use is remembered after Teleport deletes the expired request, across a restart
// of the service and the watcher continuing as new; and two requests of one user judged in one
// sweep cannot both fit in what is left.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { watcherLockName } from '../../src/policy/decision';
import type { EnvironmentUsage } from '../../src/policy/ledger';
import type { Policy } from '../../src/policy/types';
import { waitFor } from '../../src/util/waitFor';
import { backtestCommand } from '../../src/cli/commands/backtest';
import type { BacktestResult } from '../../src/policy/backtest';
import { usageJson } from '../support/decisionsCli';
import { assertReplays, taskQueueHistories } from '../support/histories';
import { minutesAgo, node } from '../support/requests';
import { temporalTlsEnv } from '../support/temporal';
import { assertLockedAt, POLL_MS, ShiftedClock, sweepNear } from '../support/deadlines';
import { startStack, type Stack, type StackOptions } from '../support/stack';
import { startWorkerProcess } from '../support/workerProcess';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** Two hours of prod a week: small, so a test reaches it with an hour or two of access. */
const POLICY: Partial<Policy> = {
  environments: [{ pattern: '^prod-', budget: { hours: 2, per: '7d' } }],
};

interface Scene {
  stack: Stack;
  clock: ShiftedClock;
}

async function scene(options: StackOptions = {}): Promise<Scene> {
  const clock = new ShiftedClock();
  const stack = await startStack({
    pollIntervalMs: POLL_MS,
    policy: POLICY,
    ...options,
    sim: { clock },
  });
  return { stack, clock };
}

/** Access to prod-db for `user`, granted `startedMinutesAgo` and lasting `hours`. */
function approvedProd(s: Scene, user: string, startedMinutesAgo: number, hours: number) {
  const created = new Date(s.clock.now().getTime() - startedMinutesAgo * MINUTE);
  return s.stack.sim.store.createRequest({
    user,
    roles: ['prod-db'],
    created,
    state: 'APPROVED',
    accessExpires: new Date(created.getTime() + hours * HOUR),
  });
}

/** A pending request for prod-db asking for `hours` from now. */
function askProd(s: Scene, user: string, hours: number, reason = 'INC-1: on call') {
  const created = s.clock.now();
  return s.stack.sim.store.createRequest({
    user,
    roles: ['prod-db'],
    reason,
    created,
    accessExpires: new Date(created.getTime() + hours * HOUR),
  });
}

async function usageOf(s: Scene, user: string): Promise<EnvironmentUsage> {
  const [line] = await usageJson(s.stack.temporal.address, [
    '--cluster',
    s.stack.sim.clusterName,
    '--user',
    user,
  ]);
  return JSON.parse(line ?? '{}') as EnvironmentUsage;
}

function locksOf(s: Scene, requestId: string) {
  return s.stack.sim.store.listLocks().filter((l) => l.target.accessRequest === requestId);
}

describe('budgets end to end', () => {
  test('held access is locked when the hours budget runs out, within 2 s', async (t) => {
    const s = await scene();
    const worker = await s.stack.newWorker();
    try {
      // 90 minutes used of 2 hours: the budget runs out in 30 minutes, the access lasts 4 hours.
      const held = approvedProd(s, 'olga', 90, 4);
      await s.stack.sweep();
      const runsOut = new Date(held.created.getTime() + 2 * HOUR);
      const next = (await s.stack.control.status()).nextDeadline;
      assert.equal(next?.kind, 'budget-exhausted');
      assert.equal(next.at, runsOut.toISOString());
      const usage = await usageOf(s, 'olga');
      assert.equal(usage.environment, '^prod-');
      assert.equal(usage.budgets[0]?.exhaustedAt, runsOut.toISOString());
      assert.ok(usage.partial, 'the ledger began with this sweep: earlier use unknown');

      await sweepNear(s.stack, s.clock, runsOut, 15_000);
      assert.ok(s.clock.now() < runsOut, 'the sweep finished before the budget ran out');
      const name = watcherLockName(held.id);
      await waitFor(() => s.stack.sim.store.getLock(name) !== undefined, {
        timeoutMs: 60_000,
        intervalMs: 50,
        what: 'the lock when the budget runs out',
      });
      const lock = s.stack.sim.store.getLock(name);
      assert.ok(lock);
      t.diagnostic(`locked ${lock.createdAt.getTime() - runsOut.getTime()} ms after it ran out`);
      assertLockedAt(lock.createdAt, runsOut);
      assert.match(lock.message, /budget/i);
    } finally {
      await worker.stop();
      await s.stack.close();
    }
  });

  test('a worker killed when the budget runs out: one lock', async () => {
    const s = await scene();
    let worker = await startWorkerProcess(s.stack);
    try {
      const held = approvedProd(s, 'pia', 90, 4);
      const runsOut = new Date(held.created.getTime() + 2 * HOUR);
      await s.stack.sweep();
      assert.equal((await s.stack.control.status()).nextDeadline?.kind, 'budget-exhausted');
      await sweepNear(s.stack, s.clock, runsOut, 15_000);
      const { faults } = s.stack.sim;
      const callsBefore = faults.callCount('UpsertLock');
      faults.setLatency('UpsertLock', 5_000);
      await waitFor(() => faults.callCount('UpsertLock') > callsBefore, {
        timeoutMs: 60_000,
        intervalMs: 20,
        what: 'the lock call when the budget runs out',
      });
      await worker.kill();
      faults.setLatency('UpsertLock', 0);
      worker = await startWorkerProcess(s.stack);
      await waitFor(() => locksOf(s, held.id).length > 0, {
        timeoutMs: 120_000,
        what: 'the lock, from the new worker',
      });
      await waitFor(
        async () => {
          const status = await s.stack.control.status();
          return !status.currentSweep && !status.sweepQueued;
        },
        { timeoutMs: 120_000, intervalMs: 200, what: 'the interrupted sweep to end' },
      );
      assert.equal(locksOf(s, held.id).length, 1, 'exactly one lock');
    } finally {
      await worker.kill();
      await s.stack.close();
    }
  });

  test('use outlives the deleted request, a restart and continue-as-new', async () => {
    const s = await scene({ continueAsNewAfterEvents: 30 });
    let worker = await s.stack.newWorker();
    try {
      // An hour of prod, half gone; the ledger sees it while Teleport still holds it.
      const first = approvedProd(s, 'quinn', 30, 1);
      await s.stack.sweep();
      // Two hours later the request has expired and the simulator has deleted it; the workers
      // learn the new time from the requests created meanwhile, as on a busy cluster.
      await sweepNear(s.stack, s.clock, new Date(s.clock.now().getTime() + 2 * HOUR), 0);
      await waitFor(() => s.stack.sim.store.getRequest(first.id) === undefined, {
        timeoutMs: 10_000,
        what: 'the simulator to delete the expired request',
      });

      await worker.stop();
      worker = await s.stack.newWorker();
      const runId = (await s.stack.control.handle.describe()).runId;
      for (let i = 0; i < 10; i++) {
        if ((await s.stack.control.handle.describe()).runId !== runId) break;
        await s.stack.sweep();
      }
      assert.notEqual((await s.stack.control.handle.describe()).runId, runId, 'continued as new');

      const usage = await usageOf(s, 'quinn');
      assert.equal(usage.budgets[0]?.used, 1, 'the deleted request still counts: 1 hour');
      // 90 minutes asked, 60 left: denied, saying what was used.
      const asked = askProd(s, 'quinn', 1.5);
      await s.stack.sweep();
      const judged = s.stack.sim.store.getRequest(asked.id);
      assert.equal(judged?.state, 'DENIED');
      assert.match(judged.resolveReason ?? '', /1h(0m)? of 2h/);
    } finally {
      await worker.stop();
      await s.stack.close();
    }
  });

  test('two requests of one user in one sweep: only one fits in what is left', async () => {
    // Grants, because a user's overlapping hours count once: two requests at once take no more
    // hours than one.
    const s = await scene({
      policy: { environments: [{ pattern: '^prod-', budget: { grants: 2, per: '1d' } }] },
    });
    const worker = await s.stack.newWorker();
    try {
      // One grant used; two pending requests, judged in one sweep.
      approvedProd(s, 'rosa', 30, 1);
      await s.stack.sweep();
      const a = askProd(s, 'rosa', 0.5);
      const b = askProd(s, 'rosa', 0.5);
      await s.stack.sweep();
      const states = [a, b].map((r) => s.stack.sim.store.getRequest(r.id)?.state).sort();
      assert.deepEqual(states, ['APPROVED', 'DENIED']);
    } finally {
      await worker.stop();
      await s.stack.close();
    }
  });

  test('a sweep of many users with held access and pending requests replays', async () => {
    // Inputs under budgets (holdings and spans) weigh on the sweep's task, and small limits make
    // every run fill it: which users a run takes, and in what order its local activities go out,
    // must not depend on how their results arrived, or the history would not replay.
    const s = await scene({
      sweepLimits: { pageSize: 100, pageBytes: 256 * 1024, pagesPerRun: 2, resultsPerTask: 400 },
    });
    const worker = await s.stack.newWorker();
    try {
      const users = Array.from({ length: 150 }, (_, i) => `wave-${i}`);
      for (const user of users) {
        for (const n of [1, 2, 3, 4])
          s.stack.sim.store.createRequest({
            user,
            roles: ['node-access'],
            resources: [node(`${user}-${n}`)],
            created: minutesAgo(40 - n),
            state: 'APPROVED',
          });
        approvedProd(s, user, 50, 1);
        askProd(s, user, 0.25);
      }
      // Lock reads failing now and then (retried in the worker) spread results over time.
      s.stack.sim.faults.setErrorRate('GetLocks', 0.3);
      await s.stack.sweep();
      s.stack.sim.faults.reset();
      const locked = s.stack.sim.store.listLocks().length;
      assert.ok(locked >= users.length / 2, `${locked} locks: the oldest node access of each user`);
      const histories = await taskQueueHistories(s.stack.client, s.stack.taskQueue);
      assert.ok(histories.length > 5, `found ${histories.length} histories`);
      await assertReplays(histories);
    } finally {
      await worker.stop();
      await s.stack.close();
    }
  });

  test('backtest of a tighter budget flips exactly the requests over it', async () => {
    const s = await scene();
    const worker = await s.stack.newWorker();
    try {
      // Under 2h a week: sara's 90 minutes held stay, tom's 90 minutes asked are approved.
      const held = approvedProd(s, 'sara', 90, 4);
      const asked = askProd(s, 'tom', 1.5);
      await s.stack.sweep();
      assert.equal(s.stack.sim.store.getRequest(asked.id)?.state, 'APPROVED');
      let out = '';
      const code = await backtestCommand(
        [
          '--policy',
          'one-hour.yaml',
          '--since',
          '1h',
          '--json',
          '--cluster',
          s.stack.sim.clusterName,
        ],
        {
          stdout: (t) => (out += t),
          stderr: (t) => (out += t),
          env: { JIT_WATCHER_TEMPORAL_ADDRESS: s.stack.temporal.address, ...temporalTlsEnv() },
          readFile: () =>
            Promise.resolve(
              'policy:\n  environments:\n    - pattern: ^prod-\n      budget: {hours: 1, per: 7d}\n',
            ),
        },
      );
      assert.equal(code, 0, out);
      const report = JSON.parse(out) as BacktestResult;
      assert.equal(report.reproduced, report.evaluations, 'every evaluation reproduced');
      const flips = report.changes.map(
        (c) => `${c.requestId}:${c.recorded.action}->${c.candidate.action}:${c.rule.split(':')[0]}`,
      );
      assert.deepEqual(
        flips.sort(),
        [`${asked.id}:approve->deny:budget`, `${held.id}:keep->lock:budget`].sort(),
      );
    } finally {
      await worker.stop();
      await s.stack.close();
    }
  });
});
