// validatePolicy: each problem is one line naming the key, the bad value and the fix; the default
// policy is valid and frozen; names can be swapped for flag names by the caller.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_POLICY, defaultPolicy, validatePolicy } from '../../../src/policy/policy';
import type { Policy } from '../../../src/policy/types';

const bad: [string, Record<string, unknown>, string][] = [
  ['max below 1', { maxResources: 0 }, 'maxResources: must be at least 1, got 0'],
  [
    'max not whole',
    { maxResources: 2.5 },
    'maxResources: must be a whole number of at least 1, got 2.5',
  ],
  [
    'max a string',
    { maxResources: '3' },
    'maxResources: must be a whole number of at least 1, got "3"',
  ],
  ['boolean as string', { dryRun: 'yes' }, 'dryRun: must be true or false, got "yes"'],
  ['weight negative', { roleRequestWeight: -1 }, 'roleRequestWeight: must be at least 0, got -1'],
  [
    'weight above max',
    { roleRequestWeight: 4 },
    'roleRequestWeight: must not exceed maxResources (3), got 4',
  ],
  ['review mode', { reviewMode: 'vote' }, 'reviewMode: must be "state" or "review", got "vote"'],
  [
    'one pattern with separation on',
    { conflictPatterns: ['prod'] },
    'conflictPatterns: needs at least 2 patterns when roleConflicts is on, got 1 ("prod"); add one (e.g. prod,research) or turn roleConflicts off',
  ],
  [
    'no patterns with separation on',
    { conflictPatterns: [] },
    'conflictPatterns: needs at least 2 patterns when roleConflicts is on, got 0 (none); add one (e.g. prod,research) or turn roleConflicts off',
  ],
  [
    'pattern that does not compile',
    { conflictPatterns: ['prod[', 'research'] },
    'conflictPatterns[0]: pattern "prod[" is not a valid RE2 regular expression (error parsing regexp: missing closing ]: `[`); escape special characters with a backslash',
  ],
  [
    'pattern matching everything',
    { conflictPatterns: ['.*', 'prod'] },
    'conflictPatterns[0]: pattern ".*" matches every role name; make it name an environment',
  ],
  [
    'duplicate pattern',
    { conflictPatterns: ['prod', 'prod', 'x'] },
    'conflictPatterns: pattern "prod" is listed twice; list each once',
  ],
  [
    'a pattern RE2 cannot run',
    { caps: [{ pattern: 'prod(?!-ro)', maxRequests: 1 }] },
    'caps[0] ("prod(?!-ro)").pattern: pattern "prod(?!-ro)" is not a valid RE2 regular expression (error parsing regexp: invalid or unsupported Perl syntax: `(?!`); escape special characters with a backslash',
  ],
  [
    'patterns matching the same roles (setPolicy gets the check start-up has)',
    { conflictPatterns: ['prod', 'PROD'] },
    'conflictPatterns: patterns "prod" and "PROD" both match role names such as "prod" (matching ignores case), so such requests would be denied as mixing environments; keep one of them, or anchor them apart (e.g. ^prod$)',
  ],
  [
    'patterns not a list',
    { conflictPatterns: 'prod,research' },
    'conflictPatterns: must be a list of strings, got "prod,research"',
  ],
  [
    'exempt users not strings',
    { exempt: { users: [1], roles: [] } },
    'exempt.users[0]: must be a non-empty string, got 1',
  ],
  [
    'exempt unknown key',
    { exempt: { users: [], roles: [], groups: [] } },
    'exempt: unknown key "groups"; use users, roles',
  ],
];

// The published keys come first; rules added later append their own.
const unknownKey =
  /^policy\.maxResource: unknown key; valid keys are maxResources, resourceLimit, roleConflicts, conflictPatterns, autoApprove, dryRun, exempt, roleRequestWeight, reviewMode(, \w+)*$/;

void describe('validatePolicy', () => {
  void it('accepts the default policy', () => assert.deepEqual(validatePolicy(DEFAULT_POLICY), []));

  void it('unknown key', () => {
    const problems = validatePolicy({ ...defaultPolicy(), maxResource: 3 });
    assert.equal(problems.length, 1);
    assert.match(problems[0] ?? '', unknownKey);
  });

  for (const [name, change, want] of bad) {
    void it(name, () =>
      assert.deepEqual(validatePolicy({ ...defaultPolicy(), ...change }), [want]),
    );
  }

  void it('one pattern is fine when separation is off', () => {
    const p: Policy = { ...defaultPolicy(), roleConflicts: false, conflictPatterns: ['prod'] };
    assert.deepEqual(validatePolicy(p), []);
  });

  void it('refuses a non-object', () =>
    assert.deepEqual(validatePolicy(null), ['policy: must be an object, got null']));

  void it('names keys the caller’s way', () => {
    const names: Record<string, string> = { maxResources: '-m', roleConflicts: '-role-conflicts' };
    const problems = validatePolicy(
      { ...defaultPolicy(), maxResources: 0, conflictPatterns: ['prod'] },
      (key) => names[key] ?? key,
    );
    assert.equal(problems[0], '-m: must be at least 1, got 0');
    assert.match(problems[1] ?? '', /when -role-conflicts is on/);
  });

  void it('the default policy is frozen, defaultPolicy() is a fresh copy', () => {
    assert.throws(() => DEFAULT_POLICY.conflictPatterns.push('x'));
    const copy = defaultPolicy();
    copy.conflictPatterns.push('dev');
    assert.deepEqual(DEFAULT_POLICY.conflictPatterns, ['prod', 'research']);
  });
});
