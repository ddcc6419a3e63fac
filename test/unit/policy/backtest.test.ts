// Backtest's arithmetic: every evaluation re-run under its own policy reproduces, a changed cap or
// limit flips exactly the requests it should, repeated evaluations of one request count once, and
// the totals read as an administrator would say them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backtest, phrase, totals, type RecordedJudgement } from '../../../src/policy/backtest';
import { judge, pendingInputs, userInputs } from '../../../src/policy/inputs';
import type { Policy } from '../../../src/policy/types';
import { requestToJson } from '../../../src/temporal/requestJson';
import { NOW, nodes, policy, req } from './helpers';

const live = policy({ autoApprove: true });

function recordPending(id: string, resources: number, roles = ['access']): RecordedJudgement {
  const inputs = pendingInputs(
    requestToJson(req({ id, state: 'PENDING', resources: nodes(resources, id), roles })),
    NOW,
  );
  return { at: NOW.toISOString(), inputs, decisions: judge(inputs, live), policy: live };
}

function recordUser(user: string, sizes: number[], under: Policy = live): RecordedJudgement {
  const requests = sizes.map((n, i) =>
    req({ id: `${user}${i}`, user, created: -10 * (i + 1), resources: nodes(n, `${user}${i}`) }),
  );
  const inputs = userInputs(user, requests, [], NOW);
  return { at: NOW.toISOString(), inputs, decisions: judge(inputs, under), policy: under };
}

describe('backtest', () => {
  const recorded = [
    recordPending('p1', 1),
    recordPending('p2', 3),
    recordPending('p3', 3),
    recordPending('p3', 3), // evaluated again at the next sweep
    recordPending('p4', 5),
    recordUser('carol', [1, 2]),
    recordUser('dan', [1]),
  ];

  it('the live policy reproduces every evaluation and changes nothing', () => {
    const r = backtest(recorded, live);
    assert.equal(r.evaluations, 7);
    assert.equal(r.reproduced, 7);
    assert.deepEqual(r.notReproduced, []);
    assert.deepEqual(r.changes, []);
  });

  it('a lower limit flips exactly the requests over it, each once, and adds the lock', () => {
    const r = backtest(recorded, { ...live, maxResources: 2 });
    const flips = r.changes.map(
      (c) =>
        `${c.requestId}:${c.recorded.action}->${c.candidate.action}:${c.rule}:${c.evaluations}`,
    );
    assert.deepEqual(flips.sort(), [
      'carol1:keep->lock:resource-limit:1',
      'p2:approve->deny:resource-limit:1',
      'p3:approve->deny:resource-limit:2',
    ]);
    assert.deepEqual(totals(r.changes).map(phrase), [
      '2 approvals would become denials (resource-limit)',
      '1 new lock (resource-limit)',
    ]);
  });

  it('a looser limit turns a denial into an approval, named by the rule that no longer denies', () => {
    const r = backtest(recorded, { ...live, maxResources: 5 });
    assert.deepEqual(totals(r.changes).map(phrase), [
      '1 denial would become an approval (resource-limit)',
    ]);
  });

  it('an evaluation its own policy does not reproduce is reported', () => {
    const [first] = recorded;
    assert.ok(first);
    const tampered = { ...first, decisions: judge(first.inputs, { ...live, maxResources: 0 }) };
    const r = backtest([tampered], live);
    assert.equal(r.reproduced, 0);
    assert.equal(r.notReproduced.length, 1);
    assert.match(r.notReproduced[0]?.subject ?? '', /request p1/);
  });
});
