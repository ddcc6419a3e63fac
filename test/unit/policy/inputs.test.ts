// Recorded inputs re-run by `judge` give the engine's own decisions: for a pending request (its
// JSON round trip loses nothing) and for a user (the requests left out of the record cannot change
// the judgement), recreated locks included; and the record is plain JSON.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluatePending } from '../../../src/policy/pending';
import { evaluateUser } from '../../../src/policy/user';
import {
  judge,
  lockFromJson,
  lockToJson,
  type LockJson,
  pendingInputs,
  userInputs,
} from '../../../src/policy/inputs';
import { requestToJson } from '../../../src/temporal/requestJson';
import { NOW, at, brief, lockOn, nodes, policy, req } from './helpers';

describe('evaluation inputs', () => {
  it('a pending request re-judged from its record decides the same', () => {
    const request = req({ id: 'p1', state: 'PENDING', resources: nodes(5), created: -1 });
    request.requestReason = 'ticket 42';
    const inputs = pendingInputs(requestToJson(request), NOW);
    const recorded = JSON.parse(JSON.stringify(inputs)) as typeof inputs;
    assert.deepEqual(judge(recorded, policy()), [evaluatePending(request, policy(), NOW)]);
    assert.deepEqual(brief(judge(recorded, policy({ maxResources: 5 }))), ['approve:p1:compliant']);
  });

  it('a user re-judged from the holdings recorded decides the same, recreations included', () => {
    const requests = [
      req({ id: 'a1', created: -40, resources: nodes(2, 'a') }),
      req({ id: 'a2', created: -30, resources: nodes(2, 'b') }),
      req({ id: 'old', created: -300, expires: -100, resources: nodes(9, 'c') }),
      req({ id: 'gone', state: 'DENIED', resources: nodes(9, 'd') }),
      req({ id: 'bob1', user: 'bob', resources: nodes(9, 'e') }),
    ];
    const locks = [lockOn('zz', { expires: 5 })];
    const inputs = userInputs('alice', requests, locks, NOW, ['a1']);
    assert.deepEqual(
      inputs.requests.map((r) => r.id),
      ['a1', 'a2'],
      'only what could be in force is recorded',
    );
    const recorded = JSON.parse(JSON.stringify(inputs)) as typeof inputs;
    const want = evaluateUser('alice', requests, locks, policy(), NOW, ['a1']);
    assert.deepEqual(judge(recorded, policy()), want);
    assert.deepEqual(brief(want), ['lock:a1:resource-limit']);
    assert.equal(want[0]?.details.lockRecreated, true);
  });

  it('locks keep their times through JSON', () => {
    const lock = { ...lockOn('r', { expires: 5 }), createdAt: at(-1), createdBy: 'x' };
    assert.deepEqual(lockFromJson(JSON.parse(JSON.stringify(lockToJson(lock))) as LockJson), lock);
    const forever = lockOn('r', { expires: null });
    assert.deepEqual(lockFromJson(lockToJson(forever)), forever);
  });
});
