// Every validation error: one line, naming the flag, variable or key as the user wrote it, the bad
// value and the fix. Same table shape for flags, environment and YAML.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../../src/config/errors';
import { load, words, type Setup } from './helpers';

const base = '-p teleport.example.com:443 -i /path/to/identity';

const rows: [string, string, Setup, string][] = [
  ['max below 1', `${base} -m=0`, {}, '-m: must be at least 1, got 0'],
  ['max long form', `${base} --max-resources 0`, {}, '--max-resources: must be at least 1, got 0'],
  [
    'max not a number',
    `${base} -m=three`,
    {},
    '-m: not a whole number: "three"; use digits, e.g. 3',
  ],
  [
    'poll below 1s',
    `${base} -poll-interval=500ms`,
    {},
    '-poll-interval: must be at least 1s, got 500ms',
  ],
  [
    'poll without unit',
    `${base} -poll-interval=10`,
    {},
    '-poll-interval: not a duration: "10"; use a number with a unit, e.g. 30s (units: ms, s, m, h)',
  ],
  [
    'unknown flag',
    `${base} -pol-interval=10s`,
    {},
    'unknown flag -pol-interval; did you mean -poll-interval?',
  ],
  [
    'unknown long flag',
    `${base} --max-resource=4`,
    {},
    'unknown flag --max-resource; did you mean --max-resources?',
  ],
  [
    'unknown flag, no guess',
    `${base} -x`,
    {},
    'unknown flag -x; run with --help to list the flags',
  ],
  ['bad boolean', `${base} -d=yes`, {}, '-d: not a boolean: "yes"; use true or false'],
  ['missing value', `${base} -m`, {}, '-m: needs a value, e.g. -m=3'],
  ['bad syntax', `${base} ---d`, {}, 'bad flag syntax: ---d; write -name=value or --name value'],
  [
    'missing -p',
    '-i /path/to/identity',
    {},
    'missing required flag -p: Teleport proxy or auth server address, e.g. -p teleport.example.com:443 (or set JIT_WATCHER_PROXY)',
  ],
  [
    'missing -i',
    '-p teleport.example.com:443',
    {},
    'missing required flag -i: Machine ID identity file, e.g. -i /opt/machine-id/identity (or set JIT_WATCHER_IDENTITY_FILE)',
  ],
  [
    'identity file missing',
    '-p t:443 -i /nope',
    {},
    '-i: identity file not found or unreadable: "/nope"; pass the path of the Machine ID identity file',
  ],
  [
    'one pattern',
    `${base} -conflict-patterns=prod`,
    {},
    '-conflict-patterns: needs at least 2 patterns when -role-conflicts is on, got 1 ("prod"); add one (e.g. prod,research) or turn -role-conflicts off',
  ],
  [
    'bad regex',
    `${base} -conflict-patterns=prod[,research`,
    {},
    '-conflict-patterns[0]: pattern "prod[" is not a valid RE2 regular expression (error parsing regexp: missing closing ]: `[`); escape special characters with a backslash',
  ],
  [
    'review mode',
    `${base} --review-mode=vote`,
    {},
    '--review-mode: must be one of state, review, got "vote"',
  ],
  [
    'port range',
    `${base} --temporal-dev-port=70000`,
    {},
    '--temporal-dev-port: must be at most 65535, got 70000',
  ],
  [
    'weight above max',
    `${base} -m=1 --role-request-weight=2`,
    {},
    '--role-request-weight: must not exceed -m (1), got 2',
  ],
  [
    'tls half',
    `${base} --temporal-tls-cert=c.pem`,
    {},
    '--temporal-tls-cert: needs --temporal-tls-key too; a client certificate and its key go together',
  ],
  [
    'metrics address',
    `${base} --metrics-listen=9464`,
    {},
    '--metrics-listen: expected host:port, e.g. 127.0.0.1:9464, got "9464"; use "" to disable metrics',
  ],
  [
    'env value',
    base,
    { env: { JIT_WATCHER_MAX_RESOURCES: '0' } },
    'JIT_WATCHER_MAX_RESOURCES: must be at least 1, got 0',
  ],
  [
    'env cross-check names the variable',
    base,
    { env: { JIT_WATCHER_CONFLICT_PATTERNS: 'prod' } },
    'JIT_WATCHER_CONFLICT_PATTERNS: needs at least 2 patterns when -role-conflicts is on, got 1 ("prod"); add one (e.g. prod,research) or turn -role-conflicts off',
  ],
  [
    'unknown env variable',
    base,
    { env: { JIT_WATCHER_MAX_RESOURSES: '4' } },
    'unknown environment variable JIT_WATCHER_MAX_RESOURSES; did you mean JIT_WATCHER_MAX_RESOURCES?',
  ],
  [
    'config file missing',
    `${base} --config nope.yaml`,
    {},
    '--config: cannot read "nope.yaml": ENOENT: nope.yaml',
  ],
  [
    'yaml syntax',
    `${base} --config p.yaml`,
    { files: { 'p.yaml': 'policy: [' } },
    'p.yaml: not valid YAML: ',
  ],
  [
    'yaml unknown key',
    `${base} --config p.yaml`,
    { files: { 'p.yaml': 'policy:\n  maxResource: 4\n' } },
    'p.yaml: unknown key policy.maxResource; did you mean policy.maxResources?',
  ],
  [
    'yaml unknown top key',
    `${base} --config p.yaml`,
    { files: { 'p.yaml': 'pollIntervalMs: 1000\n' } },
    'p.yaml: unknown key pollIntervalMs; did you mean pollInterval?',
  ],
  [
    'yaml value',
    `${base} --config p.yaml`,
    { files: { 'p.yaml': 'policy:\n  maxResources: 0\n' } },
    'policy.maxResources in p.yaml: must be at least 1, got 0',
  ],
  [
    'yaml duration without unit',
    `${base} --config p.yaml`,
    { files: { 'p.yaml': 'pollInterval: 30\n' } },
    'pollInterval in p.yaml: not a duration: "30"; ',
  ],
  [
    'yaml mapping where a value belongs',
    `${base} --config p.yaml`,
    { files: { 'p.yaml': 'debug:\n  on: true\n' } },
    'debug in p.yaml: must be a single value, got a mapping',
  ],
  [
    'yaml secret refused',
    `${base} --config p.yaml`,
    { files: { 'p.yaml': 'temporal:\n  apiKey: s3cret\n' } },
    'p.yaml: unknown key temporal.apiKey; did you mean temporal.apiKeyFile?',
  ],
];

void describe('config errors', () => {
  for (const [name, line, setup, want] of rows) {
    void it(name, async () => {
      const err = await load(words(line), setup).then(
        () => assert.fail('expected a ConfigError'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof ConfigError, String(err));
      assert.ok(err.message.startsWith(want), `${err.message}\n  !=\n${want}`);
      assert.ok(!err.message.includes('\n'), 'one line');
    });
  }

  void it('-p and -i are optional when the command does not talk to Teleport', async () => {
    const { config } = await load([], { requireTeleport: false });
    assert.equal(config.teleport.address, '');
  });
});
