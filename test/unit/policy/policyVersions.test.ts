// Tightened policy checks and replay: a setPolicy signal in a history written before the RE2
// patterns (no `policy-checks-re2` marker) is checked as that build checked it, so a pattern RE2
// refuses but JavaScript compiled is still taken there; new signals and updates get today's checks.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultPolicy } from '../../../src/policy/policy';
import { checkPolicy } from '../../../src/temporal/workflows/messageChecks';

void describe('setPolicy checks by version', () => {
  // JavaScript reads \u0041 as "A"; RE2 has no such escape.
  const jsOnly = { ...defaultPolicy(), conflictPatterns: ['prod-\\u0041', 'research'] };

  void it('today: refused in one line naming the key', () => {
    const checked = checkPolicy(jsOnly);
    assert.equal(checked.ok, false);
    assert.match(
      checked.ok ? '' : checked.problem,
      /^conflictPatterns\[0\]: pattern "prod-\\\\u0041" is not a valid RE2 regular expression/,
    );
  });

  void it('a signal recorded before the patch: accepted as it was then', () =>
    assert.equal(checkPolicy(jsOnly, 'before-re2').ok, true));

  void it('a key those builds did not know is refused there, as they refused it', () => {
    const withEnvironments = {
      ...defaultPolicy(),
      environments: [{ pattern: 'prod', maxAccess: '4h' }],
    };
    assert.equal(checkPolicy(withEnvironments).ok, true);
    assert.equal(checkPolicy(withEnvironments, 'before-re2').ok, false);
  });

  void it('what no build accepted stays refused either way', () => {
    const broken = { ...defaultPolicy(), conflictPatterns: ['prod[', 'research'] };
    assert.equal(checkPolicy(broken, 'before-re2').ok, false);
    assert.equal(checkPolicy({ ...defaultPolicy(), maxResources: 0 }, 'before-re2').ok, false);
  });

  void it('payloads from before the time rules stay valid (new keys are optional)', () =>
    assert.equal(checkPolicy(defaultPolicy()).ok, true));
});
