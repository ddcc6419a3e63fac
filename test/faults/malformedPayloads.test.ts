// Fault: malformed payloads sent to the running watcher, as `temporal workflow signal --input ...`
// would send them (null, {}, wrong types, huge arrays, unknown fields), to every handler. Each is
// refused where an operator sees it (status: refused count and last error) and requests keep
// being decided between and after them: no workflow task fails. Updates with bad input are
// refused to the caller (the real Temporal CLI included), and good updates answer with status.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { RefusedError } from '../../src/temporal/control';
import { findTemporalCli } from '../../src/temporal/devServer';
import { runningStack, type Stack } from '../support/stack';
import { node } from '../support/requests';

const at = () => new Date().toISOString();
const huge = (n: number) => Array.from({ length: n }, (_, i) => ({ id: i }));

/** Per handler, what a careless or hostile sender could put in `--input`. */
const MALFORMED: [string, unknown[]][] = [
  ['requestsChanged', [null, {}, [], 'r1', 42, { requestIds: 'r1', cause: 'x' }]],
  [
    'requestsChanged',
    [
      { requestIds: huge(20_000), cause: 'x' },
      { requestIds: [null], cause: 'x' },
    ],
  ],
  [
    'requestsChanged',
    [
      { requestIds: [], cause: 'x', reconcile: 'yes' },
      { requestIds: [], cause: 'x', extra: 1 },
    ],
  ],
  ['reportWorker', [null, {}, { worker: 7, at: at() }, { worker: 'w', at: 'soon' }]],
  [
    'reportWorker',
    [
      { worker: 'w', at: at(), eventStream: 'sideways' },
      { worker: 'w', at: at(), token: 's3cret' },
    ],
  ],
  ['setPolicy', [null, {}, { maxResources: 'three' }, huge(5_000), { unknownKey: true }]],
];

function request(stack: Stack, user: string, resources = 1) {
  return stack.sim.store.createRequest({
    user,
    roles: ['node-access'],
    resources: Array.from({ length: resources }, (_, i) => node(`${user}-${i}`)),
  });
}

describe('malformed payloads to the watcher', () => {
  const suite = runningStack();

  test('every handler refuses bad input and requests keep being decided', async () => {
    const { stack } = suite;
    const { handle } = stack.control;
    const before = (await stack.control.status()).refused ?? 0;
    let sent = 0;
    for (const [handler, payloads] of MALFORMED) {
      for (const payload of payloads) {
        await handle.signal(handler, payload);
        sent += 1;
      }
      // Between batches, a request is decided as usual.
      const pending = request(stack, `user-after-${handler}-${sent}`);
      await stack.sweep();
      assert.equal(stack.sim.store.getRequest(pending.id)?.state, 'APPROVED', handler);
      const status = await stack.control.status();
      assert.equal(status.refused, before + sent, `refusals after ${handler}`);
      assert.match(status.lastError ?? '', new RegExp(`^${handler} refused: `));
    }
    // Signals with no input ignore what they are given: pausing with `--input null` still pauses.
    await handle.signal('pause', null);
    assert.equal((await stack.control.status()).paused, true);
    await handle.signal('resume', { please: true });
    assert.equal((await stack.control.status()).paused, false);
    // And a denial still happens after all of it.
    const tooBig = request(stack, 'greedy', 5);
    await stack.sweep();
    assert.equal(stack.sim.store.getRequest(tooBig.id)?.state, 'DENIED');
    assert.ok((await stack.control.recentDecisions()).length > 0);
  });

  test('updates refuse bad input to the caller and change nothing', async () => {
    const { stack } = suite;
    const policy = await stack.control.policy();
    const before = await stack.control.status();
    for (const bad of [null, {}, { ...policy, maxResources: 0 }, { ...policy, extra: 1 }]) {
      await assert.rejects(
        stack.control.handle.executeUpdate('setPolicy', { args: [bad] }),
        (err: unknown) =>
          err instanceof WorkflowUpdateFailedError &&
          err.cause instanceof Error &&
          /^setPolicy refused: /.test(err.cause.message),
      );
    }
    await assert.rejects(
      stack.control.commands.setPolicy({ ...policy, maxResources: -1 }),
      (err: unknown) =>
        err instanceof RefusedError && err.message.startsWith('setPolicy refused: maxResources'),
    );
    assert.deepEqual(await stack.control.policy(), policy);
    // A refused update leaves no trace in the watcher: Temporal records none.
    assert.equal((await stack.control.status()).refused, before.refused);
  });

  test('good updates answer with the status after the change', async () => {
    const { stack } = suite;
    const policy = await stack.control.policy();
    assert.equal((await stack.control.commands.pause()).paused, true);
    assert.equal((await stack.control.commands.resume()).paused, false);
    const changed = await stack.control.commands.setPolicy({ ...policy, maxResources: 5 });
    assert.ok(changed.policyChangedAt);
    assert.equal((await stack.control.policy()).maxResources, 5);
    await stack.control.commands.setPolicy(policy);
    const pending = request(stack, 'after-updates');
    await stack.control.commands.sweepNow();
    await stack.sweep();
    assert.equal(stack.sim.store.getRequest(pending.id)?.state, 'APPROVED');
  });

  test('the Temporal CLI reaches the same update and shows the refusal', async () => {
    const { stack } = suite;
    const cli = findTemporalCli();
    assert.ok(cli, 'the Temporal CLI runs the dev server, so it is here');
    const run = (input: string) =>
      promisify(execFile)(cli, [
        'workflow',
        'update',
        'execute',
        '--address',
        stack.temporal.address,
        '--workflow-id',
        stack.control.handle.workflowId,
        '--name',
        'setPolicy',
        '--input',
        input,
      ]);
    await assert.rejects(run('{"maxResources": 0}'), (err: unknown) =>
      /setPolicy refused: /.test(String((err as { stderr?: string }).stderr ?? err)),
    );
    const policy = await stack.control.policy();
    const { stdout } = await run(JSON.stringify({ ...policy, maxResources: 4 }));
    assert.match(stdout, /maxResources|policyChangedAt|Result/);
    assert.equal((await stack.control.policy()).maxResources, 4);
    await stack.control.commands.setPolicy(policy);
  });
});
