// Shadow mode's comparison: a candidate policy's decisions beside the live ones on the same
// inputs, per request by action and rule. Only disagreements are kept.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluatePending } from '../../../src/policy/pending';
import { defaultPolicy } from '../../../src/policy/policy';
import { compareRequest, compareUser, countByShadowRule } from '../../../src/policy/shadow';
import { evaluateUser } from '../../../src/policy/user';
import { NOW, req } from './helpers';

const live = defaultPolicy(); // maxResources 3
const tighter = { ...live, maxResources: 1 };

describe('compareRequest', () => {
  const twoNodes = req({ id: 'r1', state: 'PENDING', resources: ['node/a', 'node/b'] });

  it('keeps nothing when the candidate decides alike', () => {
    const d = evaluatePending(twoNodes, live, NOW);
    assert.equal(compareRequest(d, evaluatePending(twoNodes, { ...live }, NOW)), undefined);
  });

  it('a tighter limit: live approves, the shadow denies by resource-limit', () => {
    const found = compareRequest(
      evaluatePending(twoNodes, live, NOW),
      evaluatePending(twoNodes, tighter, NOW),
    );
    assert.deepEqual(
      found && {
        ...found,
        live: found.live.action,
        shadow: [found.shadow.action, found.shadow.policy],
      },
      { requestId: 'r1', user: 'alice', live: 'approve', shadow: ['deny', 'resource-limit'] },
    );
    assert.match(found?.shadow.reason ?? '', /exceeds limit of 1/);
  });

  it('same action under another rule is a disagreement (the reason differs)', () => {
    const both = req({
      id: 'r2',
      state: 'PENDING',
      roles: ['prod', 'research'],
      resources: ['node/a', 'node/b'],
    });
    const a = evaluatePending(both, live, NOW); // environment separation denies
    const b = evaluatePending(both, tighter, NOW); // resource limit denies first
    assert.equal(a.action, 'deny');
    assert.equal(b.action, 'deny');
    assert.equal(compareRequest(a, b)?.shadow.policy, 'resource-limit');
  });
});

describe('compareUser', () => {
  const holdings = [
    req({ id: 'old', created: -120, resources: ['node/a'] }),
    req({ id: 'new', created: -30, resources: ['node/b'] }),
  ];

  it('a lock the shadow would make and the live policy not: live reads "kept"', () => {
    const l = evaluateUser('alice', holdings, [], live, NOW);
    const s = evaluateUser('alice', holdings, [], tighter, NOW);
    assert.deepEqual(l, []);
    const found = compareUser(l, s);
    assert.deepEqual(
      found.map((d) => [
        d.requestId,
        d.live.action,
        d.live.reason,
        d.shadow.action,
        d.shadow.policy,
      ]),
      [['old', 'none', 'kept', 'lock', 'resource-limit']],
    );
  });

  it('the other way round: the shadow keeps what the live policy locks', () => {
    const l = evaluateUser('alice', holdings, [], tighter, NOW);
    const s = evaluateUser('alice', holdings, [], live, NOW);
    assert.deepEqual(
      compareUser(l, s).map((d) => [d.live.action, d.shadow.action]),
      [['lock', 'none']],
    );
  });

  it('no disagreement when both decide alike, whatever the order', () => {
    const l = evaluateUser('alice', holdings, [], tighter, NOW);
    assert.deepEqual(compareUser(l, [...l].reverse()), []);
  });

  it('counts disagreements by the shadow decision’s rule', () => {
    const s = evaluateUser('alice', holdings, [], tighter, NOW);
    assert.deepEqual(countByShadowRule(compareUser([], s)), { 'resource-limit': 1 });
  });
});
