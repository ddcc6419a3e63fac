// Agreement with humans: which decisions leave a request to humans, what the engine would have
// decided instead, a human's decision read from the request, and the agreement arithmetic.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AccessRequest } from '../../../src/domain/accessRequest';
import {
  agreementReport,
  engineVerdict,
  humanDecision,
  leftToHumans,
  type AwaitingHuman,
  type HumanDecision,
} from '../../../src/policy/agreement';
import { evaluatePending } from '../../../src/policy/pending';
import { defaultPolicy } from '../../../src/policy/policy';
import { NOW, req } from './helpers';

const policy = defaultPolicy();
const manual = { ...policy, autoApprove: false };
const exemptBob = { ...policy, exempt: { users: ['bob'], roles: [] } };
const ok = req({ id: 'ok', state: 'PENDING', resources: ['node/a'] });
const mixed = req({ id: 'mixed', user: 'bob', state: 'PENDING', roles: ['prod', 'research'] });

describe('leftToHumans', () => {
  const cases: Array<[string, AccessRequest, typeof policy, string | undefined]> = [
    ['auto-approval off, compliant', ok, manual, 'auto-approve off'],
    ['auto-approval on, compliant: the watcher approves', ok, policy, undefined],
    ['auto-approval off, a violation: the watcher denies', mixed, manual, undefined],
    ['an exempt user', mixed, exemptBob, 'exempt'],
    ['not pending', { ...ok, state: 'APPROVED' }, manual, undefined],
  ];
  for (const [name, request, p, want] of cases) {
    it(name, () => assert.equal(leftToHumans(request, evaluatePending(request, p, NOW), p), want));
  }

  it('an escalation', () => {
    const d = { ...evaluatePending(ok, policy, NOW), action: 'escalate' as const };
    assert.equal(leftToHumans(ok, d, policy), 'escalated');
  });
});

describe('engineVerdict', () => {
  it('approves a compliant request even with auto-approval off', () => {
    assert.deepEqual(
      [engineVerdict(ok, manual, NOW).action, engineVerdict(ok, manual, NOW).policy],
      ['approve', 'compliant'],
    );
  });

  it('judges an exempt user’s request as anyone’s: a violation is denied', () => {
    const v = engineVerdict(mixed, exemptBob, NOW);
    assert.deepEqual([v.action, v.policy], ['deny', 'environment-separation']);
  });
});

const awaiting = (requestId: string, engine: 'approve' | 'deny'): AwaitingHuman => ({
  requestId,
  user: 'alice',
  leftBecause: 'auto-approve off',
  leftAt: NOW.toISOString(),
  engine: {
    action: engine,
    policy: engine === 'approve' ? 'compliant' : 'environment-cap',
    reason: 'r',
  },
});

describe('humanDecision', () => {
  it('an approval by review: the reviewer, the reason, agreement', () => {
    const request: AccessRequest = {
      ...ok,
      state: 'APPROVED',
      resolveReason: 'looks fine',
      reviews: [
        { author: 'carol', proposedState: 'APPROVED', reason: 'ok' },
        { author: 'dave', proposedState: 'DENIED', reason: 'no' },
      ],
    };
    const d = humanDecision(awaiting('ok', 'approve'), request);
    assert.deepEqual(d && [d.human, d.reviewers, d.humanReason, d.agrees], [
      'approve',
      ['carol'],
      'looks fine',
      true,
    ]);
  });

  it('a denial set directly (no review): no reviewer, disagreement with an engine approval', () => {
    const d = humanDecision(awaiting('ok', 'approve'), { ...ok, state: 'DENIED' });
    assert.deepEqual(d && [d.human, d.reviewers, d.agrees], ['deny', [], false]);
  });

  it('nothing while pending, or when the watcher resolved it', () => {
    assert.equal(humanDecision(awaiting('ok', 'approve'), ok), undefined);
    const byWatcher: AccessRequest = {
      ...ok,
      state: 'APPROVED',
      resolveAnnotations: { 'jit-watcher/decision': ['ok/approve/compliant'] },
    };
    assert.equal(humanDecision(awaiting('ok', 'approve'), byWatcher), undefined);
  });
});

describe('agreementReport', () => {
  const decided = (
    id: string,
    human: 'approve' | 'deny',
    engine: 'approve' | 'deny',
  ): HumanDecision => ({
    ...awaiting(id, engine),
    human,
    reviewers: ['carol'],
    agrees: human === engine,
  });

  it('no human decisions: no rate', () => {
    assert.deepEqual(agreementReport([]), {
      decided: 0,
      agreed: 0,
      approvedByHumans: 0,
      deniedByHumans: 0,
      differ: [],
    });
  });

  it('3 of 4 alike is 75%; the one that differs is listed', () => {
    const r = agreementReport([
      decided('a', 'approve', 'approve'),
      decided('b', 'approve', 'approve'),
      decided('c', 'deny', 'deny'),
      decided('d', 'deny', 'approve'),
    ]);
    assert.deepEqual(
      [r.decided, r.agreed, r.rate, r.approvedByHumans, r.deniedByHumans],
      [4, 3, 0.75, 2, 2],
    );
    assert.deepEqual(
      r.differ.map((d) => d.requestId),
      ['d'],
    );
  });

  it('a request read twice counts once, as last read', () => {
    const r = agreementReport([
      decided('a', 'deny', 'approve'),
      decided('a', 'approve', 'approve'),
    ]);
    assert.deepEqual([r.decided, r.agreed, r.rate], [1, 1, 1]);
  });
});
