// Deadlines, end to end: access that starts later is enforced at its start by the watcher's one
// durable timer, not at the next poll (30 s here, so only the timer explains a lock within 2 s),
// and the timer survives continue-as-new, a restart, a worker killed at the deadline and a policy
// change. The simulated cluster's clock is moved ahead instead of waiting; times compared are the
// ones the simulator stamps (its clock), never durations the test measures. The time rules'
// deadlines (a window closing, maxAccess reached) are in timeRules.test.ts.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { watcherLockName } from '../../src/policy/decision';
import type { Policy } from '../../src/policy/types';
import { waitFor } from '../../src/util/waitFor';
import type { SimAccessRequest, SimStore } from '../../testkit/sim';
import { node } from '../support/requests';
import { assertLockedAt, POLL_MS, ShiftedClock, sweepNear } from '../support/deadlines';
import { startStack, type Stack, type StackOptions } from '../support/stack';
import { startWorkerProcess } from '../support/workerProcess';

const MINUTE = 60_000;

interface Scene {
  stack: Stack;
  clock: ShiftedClock;
  /** The oldest of the user's requests: the one to lock when the fourth starts. */
  oldest: SimAccessRequest;
  starting: SimAccessRequest;
  startsAt: Date;
}

async function scene(
  user: string,
  options: StackOptions = {},
  clock = new ShiftedClock(),
): Promise<Scene> {
  const stack = await startStack({
    pollIntervalMs: POLL_MS,
    ...options,
    sim: { clock, ...options.sim },
  });
  const ago = (minutes: number) => new Date(clock.now().getTime() - minutes * MINUTE);
  const approved = (name: string, created: Date, assumeStartTime?: Date) =>
    stack.sim.store.createRequest({
      user,
      roles: ['node-access'],
      resources: [node(`${user}-${name}`)],
      created,
      state: 'APPROVED',
      ...(assumeStartTime ? { assumeStartTime } : {}),
    });
  // Three nodes (the limit), and an approved fourth that starts in ten minutes.
  const oldest = approved('1', ago(30));
  approved('2', ago(20));
  approved('3', ago(15));
  const startsAt = new Date(clock.now().getTime() + 10 * MINUTE);
  const starting = approved('4', ago(10), startsAt);
  return { stack, clock, oldest, starting, startsAt };
}

/** The first sweep's deadline: the fourth request's start, for its user. */
async function assertDeadlineKept(s: Scene): Promise<void> {
  const next = (await s.stack.control.status()).nextDeadline;
  assert.ok(next, 'status shows the next deadline');
  assert.equal(next.at, s.startsAt.toISOString());
  assert.equal(next.requestId, s.starting.id);
  assert.equal(next.kind, 'starts');
  assert.match(next.what, /starts/);
  assert.equal(s.stack.sim.store.getLock(watcherLockName(s.oldest.id)), undefined, 'no lock yet');
}

/** Moves Teleport's clock to `leadMs` before the start and lets the watcher see it. */
async function nearTheStart(s: Scene, leadMs: number): Promise<void> {
  await sweepNear(s.stack, s.clock, s.startsAt, leadMs);
  assert.ok(s.clock.now() < s.startsAt, 'the sweep finished before the start');
}

/** The lock of the oldest request, once it is there (simulator time stamps it). */
async function lockOfOldest(s: Scene, timeoutMs = 60_000) {
  const name = watcherLockName(s.oldest.id);
  await waitFor(() => s.stack.sim.store.getLock(name) !== undefined, {
    timeoutMs,
    intervalMs: 50,
    what: 'the oldest request to be locked',
  });
  const lock = s.stack.sim.store.getLock(name);
  assert.ok(lock);
  return lock;
}

function locksOf(store: SimStore, requestId: string) {
  return store.listLocks().filter((l) => l.target.accessRequest === requestId);
}

describe('deadlines end to end', () => {
  test('access that starts later is locked at its start by the deadline timer', async (t) => {
    const s = await scene('gina');
    const worker = await s.stack.newWorker();
    try {
      await s.stack.sweep();
      await assertDeadlineKept(s);
      await nearTheStart(s, 15_000);
      const lock = await lockOfOldest(s);
      t.diagnostic(`locked ${lock.createdAt.getTime() - s.startsAt.getTime()} ms after the start`);
      assertLockedAt(lock.createdAt, s.startsAt);

      // The sweep that locked it was the deadline's, and its summary says so.
      const lockRecord = async () =>
        (await s.stack.control.recentDecisions()).find(
          (r) => r.decision.action === 'lock' && r.decision.requestId === s.oldest.id,
        );
      await waitFor(async () => (await lockRecord()) !== undefined, {
        timeoutMs: 30_000,
        what: 'the deadline sweep to report its lock',
      });
      const record = await lockRecord();
      assert.ok(record);
      const summary = await s.stack.client.workflow
        .getHandle(record.sweepId)
        .describe()
        .then((d) => d.staticSummary());
      assert.match(summary ?? '', /^sweep: deadline: evaluate gina: access of .* starts/);
      await waitFor(async () => (await s.stack.control.status()).nextDeadline === undefined, {
        timeoutMs: 30_000,
        what: 'the deadline to be used up',
      });
    } finally {
      await worker.stop();
      await s.stack.close();
    }
  });

  test('the deadline survives continue-as-new and a restart of the service', async (t) => {
    const s = await scene('hugo', { continueAsNewAfterEvents: 30 });
    let worker = await s.stack.newWorker();
    try {
      await s.stack.sweep();
      const firstRun = (await s.stack.control.handle.describe()).runId;
      for (let i = 0; i < 10; i++) {
        if ((await s.stack.control.handle.describe()).runId !== firstRun) break;
        await s.stack.sweep();
      }
      assert.notEqual((await s.stack.control.handle.describe()).runId, firstRun, 'continued');
      await assertDeadlineKept(s);

      await worker.stop();
      worker = await s.stack.newWorker();
      await nearTheStart(s, 15_000);
      const lock = await lockOfOldest(s);
      assertLockedAt(lock.createdAt, s.startsAt);
      t.diagnostic(`locked ${lock.createdAt.getTime() - s.startsAt.getTime()} ms after the start`);
    } finally {
      await worker.stop();
      await s.stack.close();
    }
  });

  test('a worker killed at the deadline: the lock comes once, not twice, not never', async (t) => {
    const s = await scene('ivan');
    const { faults, store } = s.stack.sim;
    let worker = await startWorkerProcess(s.stack);
    try {
      await s.stack.sweep();
      await assertDeadlineKept(s);
      await nearTheStart(s, 15_000);
      // The lock call reaches the simulator and hangs there: the worker dies mid-lock.
      const callsBefore = faults.callCount('UpsertLock');
      faults.setLatency('UpsertLock', 5_000);
      await waitFor(() => faults.callCount('UpsertLock') > callsBefore, {
        timeoutMs: 60_000,
        intervalMs: 20,
        what: 'the lock call at the deadline',
      });
      await worker.kill();
      faults.setLatency('UpsertLock', 0);
      worker = await startWorkerProcess(s.stack);

      await lockOfOldest(s, 120_000);
      // Until the interrupted sweep has ended on the new worker and nothing more is due.
      await waitFor(
        async () => {
          const status = await s.stack.control.status();
          return !status.currentSweep && !status.sweepQueued && status.nextDeadline === undefined;
        },
        { timeoutMs: 120_000, intervalMs: 200, what: 'the interrupted sweep to end' },
      );
      const locks = locksOf(store, s.oldest.id);
      assert.equal(locks.length, 1, 'exactly one lock for the request');
      assert.equal(locksOf(store, s.starting.id).length, 0, 'the newer requests stay unlocked');
      t.diagnostic(
        `UpsertLock calls: ${faults.callCount('UpsertLock') - callsBefore}, lock revision ${locks[0]?.revision}`,
      );
    } finally {
      await worker.kill();
      await s.stack.close();
    }
  });

  test('a policy change: the deadline does what the policy then says, at once', async () => {
    const s = await scene('jane');
    const worker = await s.stack.newWorker();
    try {
      await s.stack.sweep();
      await assertDeadlineKept(s);
      const policy: Policy = await s.stack.control.policy();
      // Room for the fourth node: at its start the user is evaluated and nothing is locked.
      await s.stack.control.setPolicy({ ...policy, maxResources: 4 });
      await nearTheStart(s, 10_000);
      await assertDeadlineKept(s);
      // The deadline is used up once a sweep after the start evaluated the user.
      await waitFor(
        async () => {
          const status = await s.stack.control.status();
          const idle = !status.currentSweep && !status.sweepQueued;
          return s.clock.now() > s.startsAt && idle && status.nextDeadline === undefined;
        },
        { timeoutMs: 60_000, intervalMs: 100, what: 'the deadline sweep' },
      );
      assert.equal(s.stack.sim.store.getLock(watcherLockName(s.oldest.id)), undefined);

      // Back to three: the change alone (no sweepNow, no poll) evaluates everyone under it.
      await s.stack.control.setPolicy(policy);
      // Well within the poll interval, which restarted at the deadline sweep.
      await lockOfOldest(s, POLL_MS / 2);
    } finally {
      await worker.stop();
      await s.stack.close();
    }
  });
});
