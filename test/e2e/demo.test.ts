// The demo end to end: the tour a new user runs (`npm run demo`) must make the decisions its story
// promises on the real stack (simulated Teleport, real Temporal, the real service in-process),
// print each of them, and stop everything it started when aborted halfway.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { runDemo, type DemoOptions } from '../../testkit/demo/demo';
import { DemoAborted } from '../../testkit/demo/guard';
import { shortId } from '../../testkit/demo/printer';
import { watcherWorkflowId } from '../../src/temporal/names';
import { uniqueName } from '../support/temporal';

const DEMO_TIMEOUT_MS = 180_000;

/** The shared server when `npm test` started one; otherwise the demo starts its own. */
function demoOptions(out: (line: string) => void, signal?: AbortSignal): DemoOptions {
  return {
    keep: false,
    out,
    temporalAddress: process.env.JIT_TEST_TEMPORAL_ADDRESS || undefined,
    signal,
    clusterName: `${uniqueName('demo')}.example.com`,
    taskQueue: uniqueName('demo'),
  };
}

describe('npm run demo', () => {
  test(
    'plays the story: every promised decision is made and printed',
    { timeout: DEMO_TIMEOUT_MS },
    async () => {
      const lines: string[] = [];
      const summary = await runDemo(demoOptions((line) => lines.push(line)));
      const output = lines.join('\n');

      // key, final state in Teleport, locked by the watcher, printed lines (by outcome), reason
      const table = [
        ['alice-1', 'APPROVED', true, ['✔ approved', '🔒 locked'], /Resource limit/],
        ['alice-2', 'APPROVED', false, ['✔ approved'], /Auto-approved/],
        [
          'bob',
          'DENIED',
          false,
          ['✖ denied'],
          /"prod" \(prod-access\), "research" \(research-access\)/,
        ],
        ['carol-prod', 'APPROVED', true, ['✔ approved', '🔒 locked'], /Environment separation/],
        ['carol-research', 'APPROVED', false, ['✔ approved'], /Auto-approved/],
        [
          'dave',
          'DENIED',
          false,
          ['✖ denied'],
          /^Request contains 5 resources, exceeds limit of 3; ask for at most 3 resources$/,
        ],
      ] as const;
      for (const [key, state, locked, printed, reason] of table) {
        const request = summary.requests[key];
        assert.ok(request, `${key} was created`);
        assert.equal(request.state, state, `${key} state`);
        assert.equal(request.lockMessage !== undefined, locked, `${key} locked`);
        assert.match(request.lockMessage ?? request.resolveReason, reason, `${key} reason`);
        for (const mark of printed) {
          const line = lines.find(
            (l) =>
              l.includes(mark) &&
              l.includes(` ${request.user} `) &&
              l.includes(shortId(request.id)),
          );
          assert.ok(line, `printed "${mark}" for ${key}:\n${output}`);
        }
      }
      assert.match(output, /✖ denied +dave .*Request contains 5 resources, exceeds limit of 3/);
      assert.match(output, /✖ denied +bob .*prod.*research/);
      assert.deepEqual(summary.counts, { approved: 4, denied: 2, locked: 2 });
      assert.match(output, /4 approved, 2 denied, 2 locked/);
      assert.match(output, /workflow list --address \S+ --query "JitUsers = 'alice'"/);
    },
  );

  test(
    'aborted halfway, it stops and leaves no watcher running',
    { timeout: DEMO_TIMEOUT_MS },
    async () => {
      const controller = new AbortController();
      const lines: string[] = [];
      const options = demoOptions((line) => {
        lines.push(line);
        if (line.includes('✔ approved')) controller.abort();
      }, controller.signal);

      await assert.rejects(runDemo(options), DemoAborted);
      assert.ok(!lines.some((l) => l.startsWith('Summary')), 'stopped before the summary');

      // On a server the demo did not start, it terminates the watcher it started.
      if (options.temporalAddress) {
        const connection = await Connection.connect({ address: options.temporalAddress });
        try {
          const handle = new Client({ connection }).workflow.getHandle(
            watcherWorkflowId(options.clusterName ?? ''),
          );
          assert.equal((await handle.describe()).status.name, 'TERMINATED');
        } finally {
          await connection.close();
        }
      }
    },
  );
});
