// Per-environment limits from every source: --environments and JIT_WATCHER_ENVIRONMENTS take a
// YAML flow list (JSON too), the YAML file a list; caps from --caps still apply beside them; and a
// malformed window, zone, duration or pattern is one line naming the flag or key and the value.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IDENTITY, load } from './helpers';

const base = ['-p', 'teleport.example.com:443', '-i', IDENTITY];
const PROD = '[{pattern: prod, window: "Mon-Fri 08:00-18:00 Europe/Berlin", maxAccess: 4h}]';

void describe('environments configuration', () => {
  void it('--environments takes YAML flow', async () => {
    const { config } = await load([...base, '--environments', PROD]);
    assert.deepEqual(config.policy.environments, [
      { pattern: 'prod', window: 'Mon-Fri 08:00-18:00 Europe/Berlin', maxAccess: '4h' },
    ]);
  });

  void it('JIT_WATCHER_ENVIRONMENTS takes JSON, and --caps still applies beside it', async () => {
    const { config } = await load([...base, '--caps', 'research=2'], {
      env: { JIT_WATCHER_ENVIRONMENTS: '[{"pattern": "prod", "reason": "^INC-[0-9]+"}]' },
    });
    assert.deepEqual(config.policy.environments, [{ pattern: 'prod', reason: '^INC-[0-9]+' }]);
    assert.deepEqual(config.policy.caps, [{ pattern: 'research', maxRequests: 2 }]);
  });

  void it('the YAML file takes a list', async () => {
    const yaml =
      'policy:\n  environments:\n    - pattern: prod\n      maxRequests: 1\n      maxAccess: 90m\n';
    const { config } = await load([...base, '--config', 'c.yaml'], { files: { 'c.yaml': yaml } });
    assert.deepEqual(config.policy.environments, [
      { pattern: 'prod', maxRequests: 1, maxAccess: '90m' },
    ]);
  });

  const bad: Array<[string[], Record<string, string>, string]> = [
    [
      ['--environments', '[{pattern: prod, window: "Mon-Fri 08:00-18:00 Europe/Berln"}]'],
      {},
      '--environments[0] ("prod").window: unknown time zone "Europe/Berln" in window',
    ],
    [
      ['--environments', '[{pattern: prod, maxAccess: 4 hours}]'],
      {},
      '--environments[0] ("prod").maxAccess: must be a duration of at least 1m like 4h, 90m or 1d, got "4 hours"',
    ],
    [
      [],
      { JIT_WATCHER_ENVIRONMENTS: '[{pattern: "prod(?=-db)", maxRequests: 1}]' },
      'JIT_WATCHER_ENVIRONMENTS[0] ("prod(?=-db)").pattern: pattern "prod(?=-db)" is not a valid RE2 regular expression',
    ],
    [['--environments', '[{pattern: prod'], {}, '--environments: not valid YAML flow: '],
    [
      ['--environments', 'prod'],
      {},
      '--environments: must be a list of environments like [{pattern: prod, maxAccess: 4h}], got "prod"',
    ],
    [
      ['--caps', 'prod=1', '--environments', '[{pattern: prod, maxAccess: 4h}]'],
      {},
      '--environments: entry 1 ("prod"): pattern is given twice across caps and environments; give it one entry',
    ],
  ];
  for (const [argv, env, want] of bad) {
    void it(`refuses: ${want.slice(0, 50)}`, async () => {
      await assert.rejects(load([...base, ...argv], { env }), (err: Error) => {
        assert.ok(err.message.startsWith(want), err.message);
        assert.ok(!err.message.includes('\n'));
        return true;
      });
    });
  }
});
