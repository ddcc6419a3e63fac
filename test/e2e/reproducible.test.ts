// Every decision reproducible, end to end on the simulated cluster: a week of decisions is made in
// seconds by moving the simulator's clock a day at a time; each recorded decision carries its
// policy version and inputs (decisions --jsonl), `--explain` re-runs one with the sweep's policy,
// `backtest` reproduces every evaluation with the live policy and names exactly the requests a
// lower resource limit or a prod window would flip, and `policy --history` lists who set what.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { backtestCommand } from '../../src/cli/commands/backtest';
import { controlCommand } from '../../src/cli/commands/control';
import { decisionsCommand } from '../../src/cli/commands/decisions';
import type { CliIo } from '../../src/cli/io';
import { main } from '../../src/cli/main';
import { defaultPolicy } from '../../src/policy/policy';
import { policyVersion } from '../../src/policy/version';
import type { LoggedDecision } from '../../src/temporal/decisionLog';
import type { PolicyHistory } from '../../src/temporal/policyHistory';
import { waitFor } from '../../src/util/waitFor';
import { ShiftedClock } from '../support/deadlines';
import { node } from '../support/requests';
import { runningStack } from '../support/stack';
import { temporalTlsEnv } from '../support/temporal';

const DAY = 24 * 60 * 60_000;

interface Ran {
  code: number;
  out: string;
}

/** Runs a command in-process as an operator would, with `files` readable by name. */
async function run(
  command: (argv: string[], io: CliIo) => Promise<number>,
  args: string[],
  address: string,
  files: Record<string, string> = {},
): Promise<Ran> {
  let out = '';
  const code = await command(args, {
    stdout: (s) => (out += s),
    stderr: (s) => (out += s),
    env: { JIT_WATCHER_TEMPORAL_ADDRESS: address, ...temporalTlsEnv() },
    readFile: (p) =>
      p in files ? Promise.resolve(files[p] ?? '') : Promise.reject(new Error('no such file')),
  });
  return { code, out };
}

/** The next Monday 10:00 UTC at least a day ahead: the simulated week starts there. */
function nextMonday(): Date {
  const d = new Date(Date.now() + DAY);
  d.setUTCHours(10, 0, 0, 0);
  while (d.getUTCDay() !== 1) d.setTime(d.getTime() + DAY);
  return d;
}

interface Day {
  /** Three nodes: approved under maxResources 3, over a limit of 2. */
  three: string;
  /** Two nodes approved first, one node after: 3 held, one lock under a limit of 2. */
  heldFirst: string;
  /** A prod role: approved; outside a Mon-Fri window on the weekend. */
  prod: string;
  /** Five nodes: denied under either limit. */
  five: string;
}

interface BacktestReport {
  evaluations: number;
  reproduced: number;
  withoutInputs: number;
  changes: Array<{
    requestId: string;
    recorded: { action: string };
    candidate: { action: string };
    rule: string;
  }>;
  totals: Array<{ text: string }>;
  timing: { perSecond: number };
}

describe('every decision reproducible, and backtest', () => {
  const clock = new ShiftedClock();
  const suite = runningStack({ sim: { clock } });
  const days: Day[] = [];
  const address = () => suite.stack.temporal.address;
  // Other test files' stacks share the dev server: read this stack's cluster only.
  const scoped = (...args: string[]) => [...args, '--cluster', suite.stack.sim.clusterName];

  test('a simulated week: decisions carry their policy version and inputs', async () => {
    const { store } = suite.stack.sim;
    const monday = nextMonday();
    for (let d = 0; d < 7; d++) {
      clock.moveTo(new Date(monday.getTime() + d * DAY), 0);
      const nodes = (n: number, name: string) =>
        Array.from({ length: n }, (_, i) => node(`d${d}-${name}-${i}`));
      const heldFirst = store.createRequest({
        user: `held-${d}`,
        roles: ['node-access'],
        resources: nodes(2, 'held'),
      });
      await suite.stack.sweep();
      store.createRequest({
        user: `held-${d}`,
        roles: ['node-access'],
        resources: nodes(1, 'more'),
      });
      const three = store.createRequest({
        user: `three-${d}`,
        roles: ['node-access'],
        resources: nodes(3, 'three'),
      });
      const prod = store.createRequest({ user: `prod-${d}`, roles: ['prod-access'] });
      const five = store.createRequest({
        user: `five-${d}`,
        roles: ['node-access'],
        resources: nodes(5, 'five'),
      });
      await suite.stack.sweep();
      days.push({ three: three.id, heldFirst: heldFirst.id, prod: prod.id, five: five.id });
    }

    const live = { ...defaultPolicy() };
    const ids = days.flatMap((d) => [d.three, d.heldFirst, d.prod, d.five]);
    const lines = await waitFor(
      async () => {
        const r = await run(decisionsCommand, scoped('--jsonl', '--since', '1h'), address());
        const found = r.out
          .trim()
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as LoggedDecision);
        const seen = new Set(found.map((f) => f.decision.requestId));
        return ids.every((id) => seen.has(id)) ? found : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250, what: 'visibility to list the week’s sweeps' },
    );
    for (const l of lines) {
      assert.equal(l.policyVersion, policyVersion(live), l.decision.id);
      assert.ok(l.inputs, l.decision.id);
    }
    const approved = lines.find((l) => l.decision.requestId === days[0]?.three);
    assert.equal(approved?.decision.action, 'approve');
    assert.equal(approved?.inputs?.kind, 'pending');
    if (approved?.inputs?.kind === 'pending') {
      assert.equal(approved.inputs.request.user, 'three-0');
      assert.equal(approved.inputs.request.state, 'PENDING');
      assert.equal(approved.inputs.request.resources.length, 3);
    }
  });

  test('--explain reproduces a decision with the policy of its sweep', async () => {
    const r = await run(
      decisionsCommand,
      scoped('--request', days[0]?.five ?? '', '--explain', '--since', '1h'),
      address(),
    );
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /^decision {2}deny \(resource-limit\)/m);
    assert.match(r.out, new RegExp(`^policy {4}${policyVersion(defaultPolicy())}$`, 'm'));
    assert.match(r.out, /"kind": "pending"/);
    assert.match(r.out, /re-run {4}reproduced: same action, policy and reason/);
  });

  const backtest = async (yaml: string) => {
    const r = await run(
      backtestCommand,
      scoped('--policy', 'candidate.yaml', '--since', '1h', '--json'),
      address(),
      { 'candidate.yaml': yaml },
    );
    assert.equal(r.code, 0, r.out);
    return JSON.parse(r.out) as BacktestReport;
  };

  test('backtest with the live policy reproduces every evaluation and changes nothing', async () => {
    const r = await backtest('policy: {}\n');
    assert.ok(r.evaluations >= 7 * 5, `${r.evaluations} evaluations`);
    assert.equal(r.reproduced, r.evaluations);
    assert.equal(r.withoutInputs, 0);
    assert.deepEqual(r.changes, []);
    assert.ok(r.timing.perSecond > 0);

    const text = await run(
      backtestCommand,
      scoped('--policy', 'live.yaml', '--since', '1h'),
      address(),
      {
        'live.yaml': 'policy: {}\n',
      },
    );
    assert.match(text.out, new RegExp(`^reproduced ${r.evaluations} of ${r.evaluations} `, 'm'));
    assert.match(text.out, /re-run on the inputs it recorded/);
    assert.match(text.out, /no decision would differ/);
  });

  test('backtest of a lower resource limit flips exactly the requests over it', async () => {
    const r = await backtest('policy:\n  maxResources: 2\n');
    const flips = r.changes.map(
      (c) => `${c.requestId}:${c.recorded.action}->${c.candidate.action}:${c.rule}`,
    );
    const want = days.flatMap((d) => [
      `${d.three}:approve->deny:resource-limit`,
      `${d.three}:keep->lock:resource-limit`,
      `${d.heldFirst}:keep->lock:resource-limit`,
    ]);
    assert.deepEqual(flips.sort(), want.sort());
    assert.deepEqual(
      r.totals.map((t) => t.text),
      ['14 new locks (resource-limit)', '7 approvals would become denials (resource-limit)'],
    );
  });

  test('backtest of a prod window flips the weekend’s prod approvals only', async () => {
    const window = 'Mon-Fri 08:00-18:00 UTC';
    const r = await backtest(
      `policy:\n  environments:\n    - pattern: prod\n      window: ${window}\n`,
    );
    const flips = r.changes.map(
      (c) => `${c.requestId}:${c.recorded.action}->${c.candidate.action}:${c.rule}`,
    );
    const weekend = days
      .slice(5)
      .map((d) => `${d.prod}:approve->escalate:environment-window: ${window}`);
    assert.deepEqual(flips.sort(), weekend.sort());
    assert.deepEqual(
      r.totals.map((t) => t.text),
      [`2 approvals would become escalations to humans (environment-window: ${window})`],
    );
  });

  test('a bad candidate file is one line naming the problem', async () => {
    // Through main, the CLI's one error boundary, as an operator runs it.
    const viaMain = (argv: string[], io: CliIo) => main(['backtest', ...argv], io);
    const r = await run(viaMain, ['--policy', 'bad.yaml', '--since', '1h'], address(), {
      'bad.yaml': 'policy:\n  maxResources: lots\n',
    });
    assert.equal(r.code, 2);
    assert.equal(
      r.out,
      'jit-watcher: policy.maxResources in bad.yaml: not a whole number: "lots"; use digits, e.g. 3\n',
    );
    const missing = await run(viaMain, ['--policy', 'gone.yaml'], address());
    assert.equal(missing.out, 'jit-watcher: --policy: cannot read "gone.yaml": no such file\n');
  });

  test('policy --history lists each setPolicy, pause and resume with caller and version', async () => {
    const { control, sim } = suite.stack;
    const tighter = { ...defaultPolicy(), maxResources: 2 };
    await control.commands.setPolicy(tighter);
    await control.commands.pause();
    await control.commands.resume();
    await control.commands.setPolicy(defaultPolicy());
    const r = await run(
      controlCommand.bind(null, 'policy'),
      ['--history', '--json', '--cluster', sim.clusterName],
      address(),
    );
    assert.equal(r.code, 0, r.out);
    const history = JSON.parse(r.out) as PolicyHistory;
    const tail = history.events.slice(-4).map((e) => `${e.what}:${e.via}:${e.version ?? ''}`);
    assert.deepEqual(tail, [
      `setPolicy:update:${policyVersion(tighter)}`,
      'pause:update:',
      'resume:update:',
      `setPolicy:update:${policyVersion(defaultPolicy())}`,
    ]);
    assert.equal(history.events[0]?.what, 'start');
    assert.ok(
      history.events.every((e) => e.identity !== ''),
      'Temporal recorded each caller',
    );
    const status = await control.status();
    assert.equal(status.policyVersion, policyVersion(defaultPolicy()));
  });
});
