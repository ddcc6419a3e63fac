// Every decision of a large sweep is findable by request and by user: 1,000 pending requests of
// 200 users (each ends up with 3 approvals kept and 2 locked), swept with production limits. The
// search attributes of a run hold ~45 request ids under Temporal's default cap, so most of them
// travel on decisionIndex children; under the embedded dev server's cap (12 KiB) ~300 do, and
// the children are few. `decisions --request` and `--user` must find each one either way, and
// visibility must list every request and user under the Web UI's filter (`JitUsers = '<user>'`).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EMBEDDED_SEARCH_ATTRIBUTE_VALUE_LIMIT } from '../../src/app/embeddedTemporal';
import { JIT_REQUEST_IDS, JIT_USERS } from '../../src/temporal/searchAttributes';
import { waitFor } from '../../src/util/waitFor';
import { decisionsJson } from '../support/decisionsCli';
import { runningStack, type Stack } from '../support/stack';
import { node } from '../support/requests';

const USERS = 200;
const PER_USER = 5;

interface Line {
  decision: { requestId: string; user: string; action: string };
  outcome?: { status: string };
}

async function decisions(stack: Stack, args: string[]): Promise<Line[]> {
  const lines = await decisionsJson(stack.temporal.address, args);
  return lines.map((l) => JSON.parse(l) as Line);
}

async function indexChildren(stack: Stack): Promise<number> {
  const query = `TaskQueue = '${stack.taskQueue}' AND WorkflowType = 'decisionIndex'`;
  return (await stack.client.workflow.count(query)).count;
}

// 1,000 request ids of 39 bytes each (quoted, with a comma): ~22 lists of 1,800 bytes, 4 of
// 12,040; a run's first list stays on the run itself. Users are named per suite: `decisions
// --user` searches the whole namespace.
const caps = [
  {
    cap: "Temporal's default cap",
    tag: 'default',
    limit: undefined,
    children: (n: number) => n >= 15,
  },
  {
    cap: "the embedded server's cap",
    tag: 'raised',
    limit: EMBEDDED_SEARCH_ATTRIBUTE_VALUE_LIMIT,
    children: (n: number) => n <= 6,
  },
];

for (const { cap, tag, limit, children } of caps) {
  describe(`decisions of a 1,000-request sweep, under ${cap}`, () => {
    const suite = runningStack(limit ? { searchAttributeValueLimit: limit } : {});

    test('are all found by request and by user', async () => {
      const { stack } = suite;
      const users = Array.from(
        { length: USERS },
        (_, u) => `scale-${tag}-${String(u).padStart(3, '0')}`,
      );
      const requests = users.flatMap((user) =>
        Array.from({ length: PER_USER }, (_, i) =>
          stack.sim.store.createRequest({
            user,
            roles: ['node-access'],
            resources: [node(`${user}-${i}`)],
            created: new Date(Date.now() - (PER_USER - i) * 60_000),
          }),
        ),
      );
      await stack.sweep();
      assert.ok(requests.every((r) => stack.sim.store.getRequest(r.id)?.state === 'APPROVED'));

      // Visibility: the union of every sweep run's and index child's attributes names them all.
      const indexedRequests = new Set<string>();
      const indexedUsers = new Set<string>();
      await waitFor(
        async () => {
          for await (const run of stack.client.workflow.list({
            query: `TaskQueue = '${stack.taskQueue}' AND (WorkflowType = 'sweep' OR WorkflowType = 'decisionIndex')`,
          })) {
            for (const id of run.typedSearchAttributes.get(JIT_REQUEST_IDS) ?? [])
              indexedRequests.add(id);
            for (const user of run.typedSearchAttributes.get(JIT_USERS) ?? [])
              indexedUsers.add(user);
          }
          return (
            requests.every((r) => indexedRequests.has(r.id)) &&
            users.every((u) => indexedUsers.has(u))
          );
        },
        { timeoutMs: 60_000, intervalMs: 500, what: 'every request and user in visibility' },
      );
      const n = await indexChildren(stack);
      assert.ok(children(n), `${n} decisionIndex children under ${cap}`);

      // The CLI: by request, including the ones sorting last (a capped list dropped those first).
      const sorted = [...requests].sort((a, b) => (a.id < b.id ? -1 : 1));
      const sample = [...sorted.slice(-10), ...sorted.filter((_, i) => i % 50 === 0)];
      for (const request of sample) {
        const found = await decisions(stack, ['--request', request.id]);
        assert.ok(
          found.some((l) => l.decision.requestId === request.id && l.decision.action === 'approve'),
          `decisions --request ${request.id}`,
        );
      }
      // By user: each of these users has 5 approvals and 2 locks, all found.
      // Visibility is eventually consistent: the last run's attributes may land after the sweep
      // ends, so wait for the full set (bounded), then check it.
      const want = ['approve', 'approve', 'approve', 'approve', 'approve', 'lock', 'lock'];
      for (const user of [...users.slice(-5), ...users.filter((_, i) => i % 40 === 0)]) {
        let found: Line[] = [];
        await waitFor(
          async () => {
            found = await decisions(stack, ['--user', user]);
            return found.length >= want.length;
          },
          { timeoutMs: 60_000, intervalMs: 500, what: `decisions --user ${user} to list 7` },
        ).catch(() => undefined);
        const actions = found.map((l) => l.decision.action).sort();
        assert.deepEqual(actions, want, `decisions --user ${user}`);
        assert.ok(found.every((l) => l.decision.user === user && l.outcome?.status === 'applied'));
      }
    });
  });
}
