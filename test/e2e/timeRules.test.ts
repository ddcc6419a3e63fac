// The time rules end to end, on the simulated cluster with its clock moved instead of waited for:
// access the watcher approved is locked the moment its maxAccess runs out and the moment its
// environment's window closes (the watcher's deadline timer, the poll interval at 30 s, so only
// the timer explains a lock within 2 s), and a request outside its window is left to humans:
// recorded, counted and findable, with nothing written to Teleport.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { watcherLockName } from '../../src/policy/decision';
import type { Policy } from '../../src/policy/types';
import { JIT_ACTIONS } from '../../src/temporal/searchAttributes';
import { waitFor } from '../../src/util/waitFor';
import { decisionsJson } from '../support/decisionsCli';
import { assertLockedAt, POLL_MS, ShiftedClock, sweepNear } from '../support/deadlines';
import { startStack, type Stack } from '../support/stack';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

interface Scene {
  stack: Stack;
  clock: ShiftedClock;
  close(): Promise<void>;
}

async function scene(policy: Partial<Policy>): Promise<Scene> {
  const clock = new ShiftedClock();
  const stack = await startStack({ pollIntervalMs: POLL_MS, policy, sim: { clock } });
  const worker = await stack.newWorker();
  return {
    stack,
    clock,
    close: async () => {
      await worker.stop();
      await stack.close();
    },
  };
}

/** `HH:MM` of a time in UTC. */
function hhmm(at: Date): string {
  return at.toISOString().slice(11, 16);
}

/** The next whole minute at least `ms` after `from`. */
function minuteAfter(from: Date, ms: number): Date {
  return new Date(Math.ceil((from.getTime() + ms) / MINUTE) * MINUTE);
}

/** Asks for `roles` with `reason`, 8 hours of access; the watcher judges it at the next sweep. */
function ask(s: Scene, user: string, roles: string[], reason = 'INC-4711: failover test') {
  const created = s.clock.now();
  return s.stack.sim.store.createRequest({
    user,
    roles,
    reason,
    created,
    accessExpires: new Date(created.getTime() + 8 * HOUR),
  });
}

async function lockAtDeadline(s: Scene, requestId: string, deadline: Date) {
  const name = watcherLockName(requestId);
  await waitFor(() => s.stack.sim.store.getLock(name) !== undefined, {
    timeoutMs: 60_000,
    intervalMs: 50,
    what: `the lock of ${requestId}`,
  });
  const lock = s.stack.sim.store.getLock(name);
  assert.ok(lock);
  assertLockedAt(lock.createdAt, deadline);
  return lock;
}

describe('time rules end to end', () => {
  test('maxAccess: the approval says how long, and the access is locked when it runs out', async () => {
    const s = await scene({
      environments: [{ pattern: '^prod-', maxAccess: '4h', reason: '^(INC|CHG)-[0-9]+' }],
    });
    try {
      const request = ask(s, 'mara', ['prod-db']);
      await s.stack.sweep();
      const approved = s.stack.sim.store.getRequest(request.id);
      assert.equal(approved?.state, 'APPROVED');
      assert.match(approved.resolveReason ?? '', /approved for 4h of the 8h asked; locked at /);

      const deadline = new Date(request.created.getTime() + 4 * HOUR);
      const next = (await s.stack.control.status()).nextDeadline;
      assert.equal(next?.at, deadline.toISOString());
      assert.equal(next.kind, 'max-access');

      await sweepNear(s.stack, s.clock, deadline, 15_000);
      assert.ok(s.clock.now() < deadline, 'the sweep finished before the deadline');
      const lock = await lockAtDeadline(s, request.id, deadline);
      assert.match(lock.message, /Maximum access of 4h/);
      assert.equal(
        lock.expires?.getTime(),
        approved.accessExpires.getTime(),
        'ends with the access',
      );
    } finally {
      await s.close();
    }
  });

  test('window: access the watcher approved is locked when the window closes', async () => {
    const clockNow = new Date();
    // A daily window that opened an hour ago and closes at the next whole minute 10 min ahead.
    const closesAt = minuteAfter(clockNow, 10 * MINUTE);
    const opens = new Date(closesAt.getTime() - 2 * HOUR);
    const window = `daily ${hhmm(opens)}-${hhmm(closesAt)} UTC`;
    const s = await scene({ environments: [{ pattern: '^prod-', window, closeLocks: true }] });
    try {
      const request = ask(s, 'nora', ['prod-web']);
      await s.stack.sweep();
      assert.equal(s.stack.sim.store.getRequest(request.id)?.state, 'APPROVED');
      const next = (await s.stack.control.status()).nextDeadline;
      assert.equal(next?.kind, 'window-closes');
      assert.equal(next.at, closesAt.toISOString());

      await sweepNear(s.stack, s.clock, closesAt, 15_000);
      assert.ok(s.clock.now() < closesAt, 'the sweep finished before the close');
      const lock = await lockAtDeadline(s, request.id, closesAt);
      assert.match(lock.message, /window/);
    } finally {
      await s.close();
    }
  });

  for (const reviewMode of ['state', 'review'] as const) {
    test(`outside the window, left to humans (${reviewMode} mode): recorded, nothing written`, async () => {
      const now = new Date();
      const opens = minuteAfter(now, HOUR);
      const window = `daily ${hhmm(opens)}-${hhmm(new Date(opens.getTime() + HOUR))} UTC`;
      const s = await scene({ reviewMode, environments: [{ pattern: '^prod-', window }] });
      try {
        const request = ask(s, `olga-${reviewMode}`, ['prod-db']);
        await s.stack.sweep();

        const held = s.stack.sim.store.getRequest(request.id);
        assert.equal(held?.state, 'PENDING', 'left for a human');
        assert.deepEqual(held.reviews, [], 'no review submitted');
        const status = await s.stack.control.status();
        assert.equal(status.totals.escalated, 1);

        const [line] = await decisionsJson(s.stack.temporal.address, ['--request', request.id]);
        const record = JSON.parse(line ?? '{}') as {
          decision?: { action: string; reason: string };
          outcome?: { status: string };
        };
        assert.equal(record.decision?.action, 'escalate');
        assert.equal(record.outcome?.status, 'escalated');
        assert.match(record.decision.reason, /Outside the access window/);
        assert.match(record.decision.reason, new RegExp(`next opens .*${hhmm(opens)}`));

        // The Web UI's filter finds the sweep that left it to humans.
        const query = `TaskQueue = '${s.stack.taskQueue}' AND JitActions = 'escalate'`;
        await waitFor(
          async () => {
            for await (const run of s.stack.client.workflow.list({ query }))
              if (run.typedSearchAttributes.get(JIT_ACTIONS)?.includes('escalate')) return true;
            return false;
          },
          { timeoutMs: 30_000, what: 'a sweep listed under JitActions = escalate' },
        );
      } finally {
        await s.close();
      }
    });
  }
});
