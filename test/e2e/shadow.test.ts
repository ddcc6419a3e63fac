// Shadow mode and agreement with humans end to end: a candidate policy judged beside the live one
// records its disagreements and acts on nothing (the simulated cluster sees only the live
// policy's writes), `status` and `decisions --shadow` show it, `shadow clear` stops it, a bad file
// is refused in one line; with auto-approval off, a human's approval and denial are counted by
// `agreement` beside what the watcher would have decided. Commands run in-process, as an operator
// runs them.
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { main } from '../../src/cli/main';
import { policyVersion } from '../../src/policy/version';
import { defaultPolicy } from '../../src/policy/policy';
import { waitFor } from '../../src/util/waitFor';
import type { AuthMethod } from '../../testkit/sim/faults';
import { node } from '../support/requests';
import { runningStack, type Stack } from '../support/stack';
import { temporalTlsEnv } from '../support/temporal';

/** Every call that changes the cluster. */
const WRITES: AuthMethod[] = [
  'SetAccessRequestState',
  'SubmitAccessReview',
  'UpsertLock',
  'DeleteLock',
  'CreateAccessRequestV2',
  'DeleteAccessRequest',
];

async function cli(
  stack: Stack,
  args: string[],
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  // Every command names the stack's cluster: other test files' stacks share the dev server.
  const cluster = ['--cluster', stack.sim.clusterName];
  const code = await main([...args, ...cluster], {
    stdout: (s) => (out += s),
    stderr: (s) => (err += s),
    env: { JIT_WATCHER_TEMPORAL_ADDRESS: stack.temporal.address, ...temporalTlsEnv() },
    readFile: (p) => fs.readFile(p, 'utf8'),
  });
  return { code, out, err };
}

function writes(stack: Stack): number {
  return WRITES.reduce((n, m) => n + stack.sim.faults.callCount(m), 0);
}

describe('shadow mode end to end', () => {
  const suite = runningStack();
  let dir = '';

  const candidateFile = async (yaml: string): Promise<string> => {
    dir ||= await fs.mkdtemp(path.join(os.tmpdir(), 'jit-shadow-'));
    const file = path.join(dir, `candidate-${Math.random().toString(36).slice(2)}.yaml`);
    await fs.writeFile(file, yaml);
    return file;
  };

  test('a tighter shadow records its disagreements and writes nothing', async () => {
    const { stack } = suite;
    // The watcher's start-up sweep, begun without a shadow, must not be the one that judges the
    // requests below.
    await stack.sweep();
    const file = await candidateFile('policy:\n  maxResources: 1\n');
    const set = await cli(stack, ['shadow', 'set', file]);
    assert.equal(set.code, 0, set.err);
    const version = policyVersion({ ...defaultPolicy(), maxResources: 1 });
    assert.match(set.out, new RegExp(`shadow policy ${version} set`));

    const first = stack.sim.store.createRequest({
      user: 'sam',
      roles: ['node-access'],
      resources: [node('s-1')],
      created: new Date(Date.now() - 60_000),
    });
    const req = stack.sim.store.createRequest({
      user: 'sam',
      roles: ['node-access'],
      resources: [node('s-2'), node('s-3')],
    });
    const before = writes(stack);
    await stack.sweep();

    // The live policy (limit 3) approved both: two writes. The shadow (limit 1) would deny the
    // second, and with both held would lock the first: neither happened.
    assert.equal(stack.sim.store.getRequest(first.id)?.state, 'APPROVED');
    assert.equal(stack.sim.store.getRequest(req.id)?.state, 'APPROVED');
    assert.equal(writes(stack), before + 2);
    assert.deepEqual(stack.sim.store.listLocks(), []);

    const status = await stack.control.status();
    assert.equal(status.shadow?.version, version);
    assert.ok((status.shadow?.disagreements ?? 0) >= 2, JSON.stringify(status.shadow));
    const shown = await cli(stack, ['status']);
    assert.match(shown.out, new RegExp(`^shadow +${version} since \\S+, \\d+ disagreements`, 'm'));

    // decisions --shadow: the request, the user, both decisions, the shadow's reason.
    const rows = await waitFor(
      async () => {
        const r = await cli(stack, ['decisions', '--shadow', '--json', '--user', 'sam']);
        assert.equal(r.code, 0, r.err);
        const lines = r.out.trim().split('\n').filter(Boolean);
        const found = lines.map((l) => JSON.parse(l) as ShadowRow);
        // The pending request's disagreement and the held one's, once visibility lists their runs.
        const both =
          found.some((r) => r.requestId === req.id && r.live.action === 'approve') &&
          found.some((r) => r.requestId === first.id && r.live.action === 'none');
        return both ? found : undefined;
      },
      {
        timeoutMs: 20_000,
        intervalMs: 250,
        what: 'visibility to list the sweep with disagreements',
      },
    );
    const pending = rows.find((r) => r.live.action === 'approve');
    assert.deepEqual(
      pending && [pending.requestId, pending.user, pending.shadow.action, pending.shadow.policy],
      [req.id, 'sam', 'deny', 'resource-limit'],
    );
    assert.match(pending?.shadow.reason ?? '', /exceeds limit of 1/);
    // Both held requests are over the shadow's limit (the newer names two resources): find the
    // older one's row, whichever the sweep recorded first.
    const held = rows.find((r) => r.live.action === 'none' && r.requestId === first.id);
    assert.deepEqual(
      held && [held.requestId, held.live.reason, held.shadow.action, held.shadow.policy],
      [first.id, 'kept', 'lock', 'resource-limit'],
    );
    const table = await cli(stack, ['decisions', '--shadow', '--request', req.id]);
    assert.match(table.out, /approve \(compliant\) +deny \(resource-limit\)/);

    // Found in the Web UI by its search attribute.
    const runs = await waitFor(
      async () => {
        const found: string[] = [];
        for await (const w of stack.client.workflow.list({
          query: `JitShadowDisagreements > 0 AND JitRequestIds = '${req.id}'`,
        }))
          found.push(w.workflowId);
        return found.length > 0 ? found : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 250, what: 'a sweep run with JitShadowDisagreements' },
    );
    assert.ok(runs.every((id) => id.includes('/sweep/')));
  });

  test('shadow clear stops it', async () => {
    const { stack } = suite;
    const cleared = await cli(stack, ['shadow', 'clear']);
    assert.equal(cleared.code, 0, cleared.err);
    assert.equal((await stack.control.status()).shadow, undefined);
    assert.equal(await stack.control.shadow(), null);
    const req = stack.sim.store.createRequest({
      user: 'tia',
      roles: ['node-access'],
      resources: [node('t-1'), node('t-2')],
    });
    await stack.sweep();
    assert.equal(stack.sim.store.getRequest(req.id)?.state, 'APPROVED');
    const r = await cli(stack, ['decisions', '--shadow', '--json', '--user', 'tia']);
    assert.equal(r.out, '');
    assert.doesNotMatch((await cli(stack, ['status'])).out, /^shadow/m);
  });

  test('a bad shadow file, or a bad update, is refused in one line', async () => {
    const { stack } = suite;
    const file = await candidateFile('policy:\n  maxResources: -1\n');
    const bad = await cli(stack, ['shadow', 'set', file]);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /^jit-watcher: shadow set .*maxResources.*\n$/);
    const missing = await cli(stack, ['shadow', 'set', path.join(os.tmpdir(), 'no-such.yaml')]);
    assert.match(missing.err, /^jit-watcher: shadow set .*cannot read.*\n$/);
    // As `temporal workflow update execute --name setShadow` would send it: the validator refuses.
    await assert.rejects(
      stack.control.commands.setShadow({ maxResources: 'three' } as never),
      (e: Error) => /^setShadow refused: /.test(e.message) && !e.message.includes('\n'),
    );
    assert.equal((await stack.control.status()).shadow, undefined);
    await fs.rm(dir, { recursive: true, force: true });
  });
});

interface ShadowRow {
  requestId: string;
  user: string;
  live: { action: string; policy: string; reason: string };
  shadow: { action: string; policy: string; reason: string };
}

describe('agreement with humans end to end', () => {
  const suite = runningStack({ policy: { autoApprove: false } });

  test('counts a human approval and a human denial beside the watcher’s verdict', async () => {
    const { stack } = suite;
    const { store } = stack.sim;
    const approved = store.createRequest({
      user: 'uma',
      roles: ['node-access'],
      resources: [node('u-1')],
    });
    const denied = store.createRequest({
      user: 'vic',
      roles: ['node-access'],
      resources: [node('v-1')],
    });
    await stack.sweep();
    assert.equal(store.getRequest(approved.id)?.state, 'PENDING', 'left to humans');
    assert.deepEqual((await stack.control.status()).humans, { decided: 0, agreed: 0, awaiting: 2 });

    // Reviews, as a human sends them with `tsh request review`; one approval or denial decides.
    store.submitReview(approved.id, { author: 'erin', proposedState: 'APPROVED', reason: 'fine' });
    store.submitReview(denied.id, { author: 'frank', proposedState: 'DENIED', reason: 'not now' });
    await stack.sweep();
    assert.deepEqual((await stack.control.status()).humans, { decided: 2, agreed: 1, awaiting: 0 });
    assert.match(
      (await cli(stack, ['status'])).out,
      /^humans +2 decided by humans, 1 as the watcher would have \(50%\)/m,
    );

    const report = await waitFor(
      async () => {
        const r = await cli(stack, ['agreement', '--since', '1h', '--json']);
        assert.equal(r.code, 0, r.err);
        const parsed = JSON.parse(r.out) as Report;
        return parsed.decided === 2 ? parsed : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 250, what: 'visibility to list the human decisions' },
    );
    assert.deepEqual(
      [report.agreed, report.rate, report.approvedByHumans, report.deniedByHumans],
      [1, 0.5, 1, 1],
    );
    assert.deepEqual(
      report.differ.map((d) => [
        d.requestId,
        d.user,
        d.human,
        d.reviewers,
        d.engine.action,
        d.leftBecause,
      ]),
      [[denied.id, 'vic', 'deny', ['frank'], 'approve', 'auto-approve off']],
    );
    const text = await cli(stack, ['agreement', '--since', '1h']);
    assert.match(text.out, /^agreement +50%: humans decided 2 requests/);
    assert.match(text.out, /deny \(frank\) +approve \(compliant\)/);
  });
});

interface Report {
  decided: number;
  agreed: number;
  rate: number;
  approvedByHumans: number;
  deniedByHumans: number;
  differ: Array<{
    requestId: string;
    user: string;
    human: string;
    reviewers: string[];
    leftBecause: string;
    engine: { action: string };
  }>;
}
