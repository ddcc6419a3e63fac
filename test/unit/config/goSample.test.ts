// Every command line from the Go sample's README and the announcement post must parse verbatim
// (argv after the program name), plus the GNU long forms its README also shows.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Config } from '../../../src/config/types';
import { load, words } from './helpers';

const base = '-p your-teleport.example.com:443 -i /path/to/identity';
const company = '-p teleport.company.com:443 -i ./identity';

const rows: [string, (c: Config) => unknown, unknown][] = [
  [
    base,
    (c) => [c.teleport.address, c.teleport.identityFile],
    ['your-teleport.example.com:443', '/path/to/identity'],
  ],
  [`${base} -d`, (c) => [c.debug, c.logLevel], [true, 'debug']],
  [`${base} -poll-interval=10s`, (c) => c.pollIntervalMs, 10_000],
  [
    `${base} -conflict-patterns=dev,staging,prod`,
    (c) => c.policy.conflictPatterns,
    ['dev', 'staging', 'prod'],
  ],
  [
    `${base} -conflict-patterns=team-alpha,team-beta,team-gamma`,
    (c) => c.policy.conflictPatterns,
    ['team-alpha', 'team-beta', 'team-gamma'],
  ],
  [
    `${base} -conflict-patterns=us-east,us-west,eu-central`,
    (c) => c.policy.conflictPatterns,
    ['us-east', 'us-west', 'eu-central'],
  ],
  [
    `${base} -role-conflicts=false -m=5`,
    (c) => [c.policy.roleConflicts, c.policy.maxResources],
    [false, 5],
  ],
  [
    `${base} -resource-limit=false -conflict-patterns=prod,dev,test`,
    (c) => [c.policy.resourceLimit, c.policy.conflictPatterns],
    [false, ['prod', 'dev', 'test']],
  ],
  [
    `${base} -conflict-patterns=production,development -m=10 -poll-interval=5s -d`,
    (c) => [c.policy.conflictPatterns, c.policy.maxResources, c.pollIntervalMs, c.debug],
    [['production', 'development'], 10, 5000, true],
  ],
  [
    `${company} -conflict-patterns=prod,dev`,
    (c) => [c.teleport.address, c.policy.conflictPatterns],
    ['teleport.company.com:443', ['prod', 'dev']],
  ],
  [
    `${company} -conflict-patterns=test,staging,production -m=5`,
    (c) => [c.policy.conflictPatterns, c.policy.maxResources],
    [['test', 'staging', 'production'], 5],
  ],
  // The shell has already stripped the quotes of -conflict-patterns="...".
  [
    `${company} -conflict-patterns=team-infrastructure,team-application,team-security`,
    (c) => c.policy.conflictPatterns,
    ['team-infrastructure', 'team-application', 'team-security'],
  ],
  [
    `${company} -conflict-patterns=region-us,region-eu,region-apac -poll-interval=15s`,
    (c) => [c.policy.conflictPatterns, c.pollIntervalMs],
    [['region-us', 'region-eu', 'region-apac'], 15_000],
  ],
  // When no shell ran (systemd, Docker exec form) the quotes arrive too.
  [
    `${company} -conflict-patterns="team-a,team-b"`,
    (c) => c.policy.conflictPatterns,
    ['team-a', 'team-b'],
  ],
  [
    '-p teleport.example.com:443 -i /opt/machine-id/jit-watcher.identity -poll-interval=30s -d',
    (c) => [c.teleport.identityFile, c.pollIntervalMs, c.debug],
    ['/opt/machine-id/jit-watcher.identity', 30_000, true],
  ],
  [
    '--proxy teleport.example.com:443 --identity-file /path/to/identity',
    (c) => c.teleport.address,
    'teleport.example.com:443',
  ],
  [
    '--auth-server=auth.example.com:3025 --identity-file=/path/to/identity',
    (c) => c.teleport.address,
    'auth.example.com:3025',
  ],
  [
    `${base} --max-resources 7 --debug --poll-interval 15s`,
    (c) => [c.policy.maxResources, c.debug, c.pollIntervalMs],
    [7, true, 15_000],
  ],
  [`${base} --max-resources=7 -max-resources 8`, (c) => c.policy.maxResources, 8],
  [`${base} -d=false --debug=true -d=0`, (c) => c.debug, false],
  [`${base} -poll-interval 1m30s`, (c) => c.pollIntervalMs, 90_000],
];

void describe('Go sample command lines', () => {
  for (const [line, pick, want] of rows) {
    void it(line, async () => {
      const { config, rest } = await load(words(line));
      assert.deepEqual(pick(config), want);
      assert.deepEqual(rest, []);
    });
  }

  void it('spaces in a pattern list are trimmed and empties dropped', async () => {
    const { config } = await load([...words(base), '-conflict-patterns= prod , ,research,']);
    assert.deepEqual(config.policy.conflictPatterns, ['prod', 'research']);
  });

  void it('defaults are the Go sample’s', async () => {
    const { config } = await load(words(base));
    assert.equal(config.policy.maxResources, 3);
    assert.deepEqual(config.policy.conflictPatterns, ['prod', 'research']);
    assert.equal(config.pollIntervalMs, 30_000);
    assert.equal(config.policy.resourceLimit, true);
    assert.equal(config.policy.roleConflicts, true);
    assert.equal(config.debug, false);
    assert.equal(config.logLevel, 'info');
  });

  void it('non-flag arguments are returned, and everything after --', async () => {
    const { rest, config } = await load([...words(base), 'extra', '-d', '--', '-m=0']);
    assert.deepEqual(rest, ['extra', '-m=0']);
    assert.equal(config.debug, true);
  });

  void it('-h asks for help without validating', async () => {
    const { help } = await load(['-h'], { requireTeleport: true });
    assert.equal(help, true);
  });
});
