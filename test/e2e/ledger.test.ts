// The usage ledger's workflows on the dev server: a write is read back at once, repeated writes
// change nothing, an access seen ended early stays ended, and the ledger is intact after its
// shard continues as new and after the worker that ran it is replaced. Budgets' use of it, end to
// end, is in budgets.test.ts.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { UserUsage } from '../../src/policy/usage';
import { ledgerShard, ledgerWorkflowId } from '../../src/temporal/names';
import { temporalUsageLedger } from '../../src/temporal/usageLedger';
import { waitFor } from '../../src/util/waitFor';
import { runningStack, startStack } from '../support/stack';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function usage(user: string, spans: [string, string, string][]): UserUsage {
  return {
    user,
    since: '2026-12-01T00:00:00.000Z',
    spans: spans.map(([requestId, start, end]) => ({
      requestId,
      environment: 'prod',
      start,
      end,
      grantedAt: start,
    })),
  };
}

describe('usage ledger workflows', () => {
  // One stack and worker for the tests that need nothing of their own (each its own cluster).
  const shared = runningStack();

  test('writes are read back, merge idempotently, and survive continue-as-new and a new worker', async () => {
    const stack = await startStack();
    let worker = await stack.newWorker();
    try {
      const cluster = 'ledger-test.example.com';
      const ledger = temporalUsageLedger(stack.client, stack.taskQueue, {
        continueAsNewAfterEvents: 20,
      });
      const now = '2026-12-06T12:00:00.000Z';
      const write = (u: UserUsage) =>
        ledger.record(cluster, { usage: [u], retainMs: 7 * DAY, now });

      assert.equal((await ledger.read(cluster, ['alice']))[0], undefined, 'nothing recorded yet');
      await write(usage('alice', [['r1', '2026-12-06T08:00:00.000Z', '2026-12-06T16:00:00.000Z']]));
      // Seen locked at 12:00: the span ends then, and a later write of the planned end does not
      // move it back.
      await write(usage('alice', [['r1', '2026-12-06T08:00:00.000Z', now]]));
      await write(usage('alice', [['r1', '2026-12-06T08:00:00.000Z', '2026-12-06T16:00:00.000Z']]));
      const read = (await ledger.read(cluster, ['alice']))[0];
      assert.deepEqual(
        read?.spans.map((s) => [s.requestId, s.end]),
        [['r1', now]],
      );

      // A span that ended before the retention window is dropped.
      await write(usage('alice', [['r0', '2026-11-20T08:00:00.000Z', '2026-11-20T09:00:00.000Z']]));
      assert.deepEqual(
        (await ledger.read(cluster, ['alice']))[0]?.spans.map((s) => s.requestId),
        ['r1'],
      );

      // Enough writes to continue the shard as new (20 events), for other users of the shard.
      const shard = ledgerShard('alice');
      const handle = stack.client.workflow.getHandle(ledgerWorkflowId(cluster, shard));
      const firstRun = (await handle.describe()).runId;
      const neighbours = Array.from({ length: 200 }, (_, i) => `user-${i}`)
        .filter((u) => ledgerShard(u) === shard)
        .slice(0, 8);
      for (const [i, user] of neighbours.entries())
        await write(
          usage(user, [[`n${i}`, '2026-12-06T09:00:00.000Z', '2026-12-06T10:00:00.000Z']]),
        );
      await waitFor(async () => (await handle.describe()).runId !== firstRun, {
        timeoutMs: 30_000,
        what: 'the ledger shard to continue as new',
      });

      await worker.stop();
      worker = await stack.newWorker();
      assert.deepEqual(
        (await ledger.read(cluster, ['alice']))[0]?.spans.map((s) => s.end),
        [now],
      );
      const all = await ledger.readAll(cluster);
      assert.deepEqual(
        all.map((u) => u.user),
        ['alice', ...neighbours].sort(),
      );
      const sizes = await ledger.sizes(cluster);
      assert.equal(sizes.length, 1, 'one shard started');
      assert.equal(sizes[0]?.users, 1 + neighbours.length);
    } finally {
      await worker.stop();
      await stack.close();
    }
  });

  test('one write of many users goes to each of their shards; one read gets them back', async () => {
    const { stack } = shared;
    const cluster = 'ledger-many.example.com';
    const ledger = temporalUsageLedger(stack.client, stack.taskQueue);
    const users = Array.from({ length: 150 }, (_, i) => `many-${i}`);
    const shards = new Set(users.map(ledgerShard));
    await ledger.record(cluster, {
      usage: users.map((u) =>
        usage(u, [[`${u}-r`, '2026-12-06T09:00:00.000Z', '2026-12-06T10:00:00.000Z']]),
      ),
      retainMs: 7 * DAY,
      now: '2026-12-06T12:00:00.000Z',
    });
    const read = await ledger.read(cluster, [...users, 'never-recorded']);
    assert.deepEqual(read.map((u) => u.user).sort(), [...users].sort(), 'none unrecorded');
    assert.ok(read.every((u) => u.spans[0]?.requestId === `${u.user}-r`));
    assert.equal((await ledger.sizes(cluster)).length, shards.size, 'each shard started once');
  });

  test('a bad write is refused by the validator, in one line, and changes nothing', async () => {
    const { stack } = shared;
    const cluster = 'ledger-bad.example.com';
    const ledger = temporalUsageLedger(stack.client, stack.taskQueue);
    await ledger.record(cluster, {
      usage: [usage('bob', [['r1', '2026-12-06T08:00:00.000Z', '2026-12-06T09:00:00.000Z']])],
      retainMs: DAY,
      now: '2026-12-06T12:00:00.000Z',
    });
    const handle = stack.client.workflow.getHandle(ledgerWorkflowId(cluster, ledgerShard('bob')));
    await assert.rejects(
      handle.executeUpdate('recordUsage', { args: [{ usage: 'nope', retainMs: 1, now: 'x' }] }),
      (err: Error) =>
        /usage must be a list/.test(String((err.cause as Error | undefined)?.message)),
    );
    await assert.rejects(
      handle.executeUpdate('readUsage', { args: [{ users: 'bob' }] }),
      (err: Error) =>
        /users must be a list/.test(String((err.cause as Error | undefined)?.message)),
    );
    assert.equal((await ledger.read(cluster, ['bob']))[0]?.spans.length, 1);
  });

  // Issue 20's stalled shard: a sweep's write while a sweep and an operator read the same shard.
  // Reads by query made the SDK's core drop queries (and once never finish a write); by update
  // each round completes and reads either before or after the write, never half of it.
  test('reads and writes of one shard at once all complete, each read whole', async () => {
    const { stack } = shared;
    const cluster = 'ledger-busy.example.com';
    const ledger = temporalUsageLedger(stack.client, stack.taskQueue);
    const users = Array.from({ length: 300 }, (_, i) => `busy-${i}`)
      .filter((u) => ledgerShard(u) === ledgerShard('busy-0'))
      .slice(0, 4);
    const spansOf = (read: UserUsage[]) => new Set(read.map((u) => u.spans.length));
    for (let round = 1; round <= 25; round++) {
      const at = new Date(Date.parse('2026-12-06T00:00:00.000Z') + round * HOUR).toISOString();
      const write = ledger.record(cluster, {
        usage: users.map((u) => usage(u, [[`${u}-${round}`, at, at]])),
        retainMs: 7 * DAY,
        now: at,
      });
      const reads = await Promise.all([
        ledger.read(cluster, users),
        ledger.read(cluster, users.slice(1)),
        ledger.readAll(cluster),
        write.then(() => ledger.read(cluster, users)),
      ]);
      for (const read of reads.slice(0, 3)) {
        const seen = spansOf(read);
        assert.ok(seen.size <= 1, `round ${round}: one write seen whole, not in part`);
        assert.ok(
          [...seen].every((n) => n === round - 1 || n === round),
          `round ${round}`,
        );
      }
      assert.deepEqual([...spansOf(reads[3])], [round], `round ${round}: read after write`);
    }
  });

  test('a ledger no worker serves fails its calls at their deadline, in one line', async () => {
    const { stack } = shared;
    try {
      const cluster = 'ledger-unserved.example.com';
      const ledger = temporalUsageLedger(stack.client, `${stack.taskQueue}-unserved`);
      const deadline = () => ({ deadline: new Date(Date.now() + 2_000) });
      const write = {
        usage: [usage('carol', [['r1', '2026-12-06T08:00:00.000Z', '2026-12-06T09:00:00.000Z']])],
        retainMs: DAY,
        now: '2026-12-06T12:00:00.000Z',
      };
      const inTime = /did not answer in time; .* task queue .*: check that a worker polls it/;
      await assert.rejects(ledger.record(cluster, write, deadline()), inTime);
      await assert.rejects(ledger.read(cluster, ['carol'], deadline()), inTime);
      const aborted = new AbortController();
      const read = ledger.read(cluster, ['carol'], { signal: aborted.signal });
      aborted.abort();
      await assert.rejects(read, /cancelled with its activity/);
    } finally {
      await stack.client.workflow
        .getHandle(ledgerWorkflowId('ledger-unserved.example.com', ledgerShard('carol')))
        .terminate('test over')
        .catch(() => undefined);
    }
  });
});
