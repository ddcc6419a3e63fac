// simulate on each example snapshot, with stdout captured: the decisions each example exists to
// show, in both output forms; and the one-line errors for missing flags and bad snapshot files.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { simulateCommand } from '../../../src/cli/commands/simulate';
import { ConfigError } from '../../../src/config/errors';
import type { Decision } from '../../../src/policy/types';

async function run(argv: string[], files: Record<string, string> = {}) {
  let out = '';
  const code = await simulateCommand(argv, {
    stdout: (s) => (out += s),
    readFile: (p) => (p in files ? Promise.resolve(files[p] ?? '') : readFile(p, 'utf8')),
    env: {},
  });
  return { code, out, lines: out.split('\n').filter((l) => l !== '') };
}

const dir = 'examples/snapshots';

const examples: [string, string[], string[]][] = [
  ['alice-hoarding.json', [], ['approve:alice-4:compliant', 'lock:alice-1:resource-limit']],
  ['alice-hoarding.json', ['-m=5'], ['approve:alice-4:compliant']],
  ['alice-hoarding.json', ['-resource-limit=false'], ['approve:alice-4:compliant']],
  ['bob-prod-research.json', [], ['deny:bob-1:environment-separation', 'approve:bob-2:compliant']],
  [
    'bob-prod-research.json',
    ['-role-conflicts=false'],
    ['approve:bob-1:compliant', 'approve:bob-2:compliant'],
  ],
  ['carol-separate-envs.json', [], ['lock:carol-1:environment-separation']],
  ['carol-separate-envs.json', ['-conflict-patterns=dev,staging'], []],
  ['dave-too-many.json', [], ['deny:dave-1:resource-limit']],
  ['dave-too-many.json', ['--auto-approve=false', '-m', '9'], ['none:dave-1:compliant']],
  [
    'erin-exempt-and-others-locks.json',
    ['--exempt-roles=break-glass'],
    ['none:erin-3:exempt', 'lock:frank-1:resource-limit'],
  ],
  // gina-3 starts at 13:00: not held at 12:00, so the limit of 3 holds.
  ['gina-starts-later.json', [], []],
  [
    'erin-exempt-and-others-locks.json',
    [],
    ['lock:erin-3:environment-separation', 'lock:frank-1:resource-limit'],
  ],
  ['gina-prod-cap.json', [], ['approve:gina-2:compliant']],
  [
    'gina-prod-cap.json',
    ['--caps', 'prod=1'],
    ['approve:gina-2:compliant', 'lock:gina-1:environment-cap'],
  ],
];

void describe('simulate', () => {
  for (const [file, flags, want] of examples) {
    void it(`${file} ${flags.join(' ')}`.trim(), async () => {
      const json = await run(['--snapshot', `${dir}/${file}`, ...flags, '--json']);
      assert.equal(json.code, 0);
      const decisions = json.lines
        .map((l) => JSON.parse(l) as Decision | { deadline: unknown })
        .filter((d): d is Decision => !('deadline' in d));
      assert.deepEqual(
        decisions.map((d) => `${d.action}:${d.requestId}:${d.policy}`),
        want,
      );

      const human = await run([`-snapshot=${dir}/${file}`, ...flags]);
      assert.equal(human.code, 0);
      assert.match(
        human.lines[0] ?? '',
        new RegExp(`^Snapshot ${dir}/${file} at 2026-01-01T12:00:00.000Z`),
      );
      for (const d of decisions) {
        const line = human.lines.find(
          (l) => l.includes(` ${d.requestId} `) && l.startsWith(d.action),
        );
        assert.ok(line?.includes(d.reason), `a line for ${d.id}`);
        assert.ok(line?.includes(d.policy) && line.includes(d.user));
      }
      const summary = want.length ? /simulation only, nothing was changed\.$/ : /^No decisions/;
      assert.ok(human.lines.some((l) => summary.test(l)));
    });
  }

  void it('access that starts later counts from its start; the lock ends at the max duration', async () => {
    const text = await readFile(`${dir}/gina-starts-later.json`, 'utf8');
    const later = text.replace('"2026-01-01T12:00:00Z"', '"2026-01-01T13:00:00Z"');
    const { lines } = await run(['--snapshot', 'at-13.json', '--json'], { 'at-13.json': later });
    const decisions = lines
      .map((l) => JSON.parse(l) as Decision)
      .filter((d) => d.action !== undefined);
    assert.deepEqual(
      decisions.map((d) => `${d.action}:${d.requestId}`),
      ['lock:gina-1'],
    );
    assert.equal(decisions[0]?.details.lock?.expires, '2026-01-01T15:00:00.000Z');
    const human = await run(['--snapshot', `${dir}/gina-starts-later.json`]);
    assert.match(
      human.out,
      /Not held yet \(access starts later\): gina-3 at 2026-01-01T13:00:00.000Z/,
    );
  });

  // A prod environment with all four limits (the file's own `policy` key): approval with a note,
  // a denial for the reason, an escalation outside the window, a lock at the close, and deadlines.
  const timeExamples: [string, string[], RegExp[]][] = [
    [
      'prod-environment.json',
      ['approve:ivan-1:compliant', 'deny:jo-1:request-reason'],
      [
        /approved for 4h of the 8h asked; locked at 17:55 UTC$/m,
        /--reason "INC-1234: what you will do"$/m,
        /^2026-01-08T16:30:00.000Z +max-access +hana +lock hana-1: 4h of \^prod- access reached$/m,
        /^2026-01-08T17:00:00.000Z +window-closes +ivan +lock ivan-1: \^prod- window closes$/m,
      ],
    ],
    [
      'prod-after-hours.json',
      ['escalate:kim-1:environment-window', 'lock:hana-2:environment-window'],
      [/next opens Mon 2026-01-12 08:00 Europe\/Berlin$/m, /^No deadlines ahead\.$/m],
    ],
    [
      'prod-budget.json',
      ['deny:omar-2:budget', 'approve:lena-1:compliant', 'deny:mia-1:budget', 'lock:pia-1:budget'],
      [
        /used 7h30m of 8h in the last 7d in "\^prod-" \(prod-db\); 2h free again from Thu 08:30 UTC$/m,
        /Cooldown in "\^prod-" \(prod-web\) until 10:30 UTC: 1h after the last grant ends$/m,
        /^2026-01-13T11:00:00.000Z +budget-exhausted +noah +lock noah-1: 8h budget of \^prod- in 7d used up$/m,
      ],
    ],
  ];
  for (const [file, want, shown] of timeExamples) {
    void it(`${file}: decisions, escalations and deadlines`, async () => {
      const json = await run(['--snapshot', `${dir}/${file}`, '--json']);
      const decisions = json.lines
        .map((l) => JSON.parse(l) as Decision)
        .filter((d) => d.action !== undefined);
      assert.deepEqual(
        decisions.map((d) => `${d.action}:${d.requestId}:${d.policy}`),
        want,
      );
      const human = await run(['--snapshot', `${dir}/${file}`]);
      for (const re of shown) assert.match(human.out, re);
    });
  }

  const badPolicies: [string, string][] = [
    [
      '{"window": "Mon-Fri 8-18 Europe/Berlin"}',
      'policy.environments[0] ("prod").window: hours "8-18" are not HH:MM-HH:MM in window "Mon-Fri 8-18 Europe/Berlin"',
    ],
    [
      '{"window": "Mon-Fri 08:00-18:00 Mars/Olympus"}',
      'policy.environments[0] ("prod").window: unknown time zone "Mars/Olympus"',
    ],
    [
      '{"maxAccess": "forever"}',
      'policy.environments[0] ("prod").maxAccess: must be a duration of at least 1m like 4h, 90m or 1d, got "forever"',
    ],
    [
      '{"reason": "INC-(x+"}',
      'policy.environments[0] ("prod").reason: pattern "INC-(x+" is not a valid RE2 regular expression',
    ],
  ];
  for (const [env, want] of badPolicies) {
    void it(`error: a malformed environment in the snapshot: ${want.slice(30, 70)}`, async () => {
      const entry = `{"pattern": "prod", ${env.slice(1)}`;
      const text = `{"now":"2026-01-01T12:00:00Z","requests":[],"policy":{"environments":[${entry}]}}`;
      const err = await run(['--snapshot', 's.json'], { 's.json': text }).then(
        () => assert.fail('expected a ConfigError'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof ConfigError, String(err));
      assert.ok(err.message.startsWith(`--snapshot s.json: ${want}`), err.message);
      assert.ok(!err.message.includes('\n'));
    });
  }

  void it('shows the published reasons', async () => {
    const { out } = await run(['--snapshot', `${dir}/dave-too-many.json`]);
    assert.match(out, /Request contains 5 resources, exceeds limit of 3/);
  });

  void it('--dry-run marks each decision', async () => {
    const { lines } = await run([
      '--snapshot',
      `${dir}/carol-separate-envs.json`,
      '--dry-run',
      '--json',
    ]);
    assert.equal((JSON.parse(lines[0] ?? '{}') as Decision).dryRun, true);
  });

  void it('takes policy from --config', async () => {
    const files = { 'p.yaml': 'policy:\n  maxResources: 4\n' };
    const { lines } = await run(
      ['--snapshot', `${dir}/alice-hoarding.json`, '--config', 'p.yaml', '--json'],
      files,
    );
    assert.equal(lines.length, 1);
  });

  void it('--help prints usage', async () => {
    const { code, out } = await run(['--help']);
    assert.equal(code, 0);
    assert.match(out, /^Usage: jit-watcher simulate --snapshot FILE/);
    assert.match(out, /--json/);
  });

  const errors: [string, string[], Record<string, string>, string][] = [
    ['no --snapshot', [], {}, 'missing required flag --snapshot: '],
    ['unreadable file', ['--snapshot', 'nope.json'], {}, '--snapshot: cannot read "nope.json": '],
    [
      'bad field',
      ['--snapshot', 's.json'],
      {
        's.json':
          '{"now":"2026-01-01T12:00:00Z","requests":[{"id":"r","user":"u","state":"PENDING","created":"yesterday"}]}',
      },
      '--snapshot s.json: requests[0].created: not an RFC 3339 time: "yesterday"',
    ],
    ['stray argument', ['--snapshot', 'x', '-d', 'false'], {}, 'unexpected argument "false"; '],
    ['policy flag error', ['--snapshot', 'x', '-m=0'], {}, '-m: must be at least 1, got 0'],
  ];
  for (const [name, argv, files, want] of errors) {
    void it(`error: ${name}`, async () => {
      const err = await run(argv, files).then(
        () => assert.fail('expected a ConfigError'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof ConfigError, String(err));
      assert.ok(err.message.startsWith(want), err.message);
    });
  }
});
