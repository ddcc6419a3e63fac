// Precedence (defaults <- YAML <- environment <- flags), the YAML and environment sources, command
// flags, and the table behind them all (every key resolves in Config, help lists every flag).
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { formatDuration, parseGoDuration } from '../../../src/config/duration';
import { usage } from '../../../src/config/help';
import { getPath } from '../../../src/config/load';
import { OPTIONS } from '../../../src/config/options';
import { levenshtein } from '../../../src/config/suggest';
import { parseCustom } from '../../../src/config/values';
import { defaultConfig, redactConfig } from '../../../src/config/types';
import { IDENTITY, load } from './helpers';

const yaml = `
policy:
  maxResources: 5
  conflictPatterns: [dev, staging, prod]
  exempt:
    users: [root]
pollInterval: 1m
temporal:
  tls:
    certFile: c.pem
    keyFile: k.pem
`;
const files = { 'p.yaml': yaml };

void describe('layers', () => {
  const rows: [
    string,
    string[],
    Record<string, string>,
    (c: ReturnType<typeof defaultConfig>) => unknown,
    unknown,
  ][] = [
    [
      'YAML over defaults',
      ['--config', 'p.yaml'],
      {},
      (c) => [c.policy.maxResources, c.pollIntervalMs],
      [5, 60_000],
    ],
    [
      'YAML lists and nested keys',
      ['--config=p.yaml'],
      {},
      (c) => [c.policy.conflictPatterns, c.policy.exempt.users, c.temporal.tls],
      [['dev', 'staging', 'prod'], ['root'], { certFile: 'c.pem', keyFile: 'k.pem' }],
    ],
    [
      'env over YAML',
      ['--config', 'p.yaml'],
      { JIT_WATCHER_MAX_RESOURCES: '6' },
      (c) => c.policy.maxResources,
      6,
    ],
    [
      'flag over env',
      ['--config', 'p.yaml', '-m=7'],
      { JIT_WATCHER_MAX_RESOURCES: '6' },
      (c) => c.policy.maxResources,
      7,
    ],
    ['config file from env', [], { JIT_WATCHER_CONFIG: 'p.yaml' }, (c) => c.policy.maxResources, 5],
    [
      'env lists',
      [],
      { JIT_WATCHER_CONFLICT_PATTERNS: 'a, b', JIT_WATCHER_EXEMPT_ROLES: 'break-glass' },
      (c) => [c.policy.conflictPatterns, c.policy.exempt.roles],
      [['a', 'b'], ['break-glass']],
    ],
    [
      'env booleans and durations',
      [],
      { JIT_WATCHER_DEBUG: '1', JIT_WATCHER_DRY_RUN: 'true', JIT_WATCHER_POLL_INTERVAL: '45s' },
      (c) => [c.debug, c.policy.dryRun, c.pollIntervalMs, c.logLevel],
      [true, true, 45_000, 'debug'],
    ],
    [
      'empty env counts as unset',
      [],
      { JIT_WATCHER_MAX_RESOURCES: '' },
      (c) => c.policy.maxResources,
      3,
    ],
    [
      'Temporal variables',
      [],
      { TEMPORAL_ADDRESS: 'tmp:7233', TEMPORAL_NAMESPACE: 'ns', TEMPORAL_API_KEY: 'k' },
      (c) => [c.temporal.address, c.temporal.namespace, c.temporal.apiKey],
      ['tmp:7233', 'ns', 'k'],
    ],
    [
      'jit-watcher variable over TEMPORAL_ADDRESS',
      [],
      { TEMPORAL_ADDRESS: 'a:1', JIT_WATCHER_TEMPORAL_ADDRESS: 'b:2' },
      (c) => c.temporal.address,
      'b:2',
    ],
    ['an explicit log level beats -d', ['-d', '--log-level=warn'], {}, (c) => c.logLevel, 'warn'],
    [
      '-d beats a log level from a weaker layer',
      ['-d'],
      { JIT_WATCHER_LOG_LEVEL: 'warn' },
      (c) => c.logLevel,
      'debug',
    ],
    ['empty flag value disables metrics', ['--metrics-listen='], {}, (c) => c.metrics.listen, ''],
    [
      'other environment variables are ignored',
      [],
      { PATH: '/bin', HOME: '/root' },
      (c) => c.policy.maxResources,
      3,
    ],
  ];
  for (const [name, argv, env, pick, want] of rows) {
    void it(name, async () => {
      const { config } = await load(argv, { env, files, requireTeleport: false });
      assert.deepEqual(pick(config), want);
    });
  }

  void it('records where each setting came from', async () => {
    const { origins } = await load(['--config', 'p.yaml', '-m', '4'], {
      files,
      requireTeleport: false,
    });
    assert.equal(origins['policy.maxResources'], '-m');
    assert.equal(origins.pollIntervalMs, 'pollInterval in p.yaml');
  });

  void it('the shipped example policy loads', async () => {
    const text = await readFile('examples/policy.yaml', 'utf8');
    const { config } = await load(['--config', 'ex.yaml'], {
      files: { 'ex.yaml': text, '/opt/machine-id/jit-watcher.identity': 'x' },
    });
    const defaults = defaultConfig();
    assert.deepEqual(config.policy, defaults.policy);
    assert.equal(config.teleport.address, 'teleport.example.com:443');
  });

  void it('command flags come back typed and separate', async () => {
    const spec = {
      snapshot: { names: ['snapshot'], kind: 'string', help: 'file' },
      json: { names: ['json'], kind: 'bool', help: 'JSON' },
    } as const;
    const { flags, config } = await load(
      ['--snapshot', 's.json', '-json', '-m=2'],
      { requireTeleport: false },
      spec,
    );
    assert.deepEqual(flags, { snapshot: 's.json', json: true });
    assert.equal(config.policy.maxResources, 2);
  });

  void it("the worker's own bundle override is not refused as a setting", async () => {
    const { config } = await load(['-p', 'teleport.example.com:443', '-i', IDENTITY], {
      env: { JIT_WATCHER_WORKFLOW_BUNDLE: '/opt/bundle.js' },
    });
    assert.equal(config.teleport.address, 'teleport.example.com:443');
  });

  void it('redactConfig hides the API key', async () => {
    const { config } = await load(['-i', IDENTITY], {
      env: { TEMPORAL_API_KEY: 's3cret' },
      requireTeleport: false,
    });
    assert.equal(config.temporal.apiKey, 's3cret');
    assert.ok(!JSON.stringify(redactConfig(config)).includes('s3cret'));
  });
});

void describe('the options table', () => {
  const full = defaultConfig();
  full.temporal.tls = { certFile: '', keyFile: '', caFile: '', serverName: '' };
  full.temporal.apiKeyFile = '';
  full.temporal.apiKey = '';
  const kinds: Record<string, string> = {
    string: 'string',
    int: 'number',
    duration: 'number',
    bool: 'boolean',
    enum: 'string',
    list: 'object',
  };
  for (const spec of OPTIONS) {
    void it(`${spec.key} is a ${spec.kind} in Config`, () => {
      if (spec.kind === 'custom') {
        // A rule's own structured setting, absent by default: its parent resolves, its example parses.
        assert.equal(typeof getPath(full, spec.key.replace(/\.[^.]+$/, '')), 'object');
        assert.doesNotThrow(() => parseCustom(spec, spec.example ?? '', spec.key));
        return;
      }
      assert.equal(typeof getPath(full, spec.key), kinds[spec.kind]);
    });
  }

  void it('flag and variable names are unique', () => {
    const flags = OPTIONS.flatMap((o) => o.flags);
    const env = OPTIONS.flatMap((o) => o.env);
    assert.equal(new Set(flags).size, flags.length);
    assert.equal(new Set(env).size, env.length);
  });

  void it('help lists every flag', () => {
    const text = usage('jit-watcher run');
    for (const spec of OPTIONS)
      for (const f of spec.flags) assert.match(text, new RegExp(`-${f}\\b`));
  });
});

void describe('Go durations', () => {
  const rows: [string, number | undefined][] = [
    ['30s', 30_000],
    ['1m30s', 90_000],
    ['500ms', 500],
    ['1h', 3_600_000],
    ['1.5s', 1500],
    ['0', 0],
    ['2h45m', 9_900_000],
    ['1000us', 1],
    ['-1s', -1000],
    ['10', undefined],
    ['s', undefined],
    ['1d', undefined],
    ['', undefined],
    ['1s2', undefined],
  ];
  for (const [text, ms] of rows)
    void it(`${text || '(empty)'} -> ${ms}`, () => assert.equal(parseGoDuration(text), ms));

  // --since and the sim's --ttl also take days; the Go-sample grammar above does not.
  const withDays: [string, number | undefined][] = [
    ['2d', 172_800_000],
    ['1d12h', 129_600_000],
    ['90s', 90_000],
    ['1h30m', 5_400_000],
    ['250ms', 250],
    ['', undefined],
    ['1x', undefined],
    ['h', undefined],
    ['d', undefined],
    ['1h ', undefined],
  ];
  for (const [text, ms] of withDays)
    void it(`${text || '(empty)'} with days -> ${ms}`, () =>
      assert.equal(parseGoDuration(text, { days: true }), ms));

  const formats: [number, string][] = [
    [30_000, '30s'],
    [90_000, '1m30s'],
    [500, '500ms'],
    [3_600_000, '1h'],
    [0, '0s'],
    [1500, '1.5s'],
  ];
  for (const [ms, text] of formats)
    void it(`${ms} formats as ${text}`, () => assert.equal(formatDuration(ms), text));

  void it('edit distance', () => {
    assert.equal(levenshtein('pol-interval', 'poll-interval'), 1);
    assert.equal(levenshtein('', 'abc'), 3);
    assert.equal(levenshtein('kitten', 'sitting'), 3);
  });
});
