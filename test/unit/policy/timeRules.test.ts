// The time rules of an environment, as tables: windows (outside: humans or deny, closeLocks),
// evidence in the reason (deny or humans, with an example that complies), maxAccess (approved with
// a note, longer: humans, locked when reached), and the deadlines that make the watcher act on time.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AccessRequest } from '../../../src/domain/accessRequest';
import { ANNOTATION_DECISION } from '../../../src/domain/annotations';
import { userDeadlines } from '../../../src/policy/deadlines';
import { evaluate } from '../../../src/policy/evaluate';
import { evaluatePending } from '../../../src/policy/pending';
import { validatePolicy } from '../../../src/policy/policy';
import type { Environment } from '../../../src/policy/types';
import { evaluateUser } from '../../../src/policy/user';
import { approvedByWatcher } from '../../../src/policy/watcherApproval';
import { policy, req, type RequestShorthand } from './helpers';

// Thursday 2026-01-01 12:00 UTC is 13:00 in Berlin.
const THU_NOON = new Date('2026-01-01T12:00:00Z');
const SAT_NOON = new Date('2026-01-03T12:00:00Z');
const WORKDAY = 'Mon-Fri 08:00-18:00 Europe/Berlin';

function prod(env: Omit<Environment, 'pattern'>) {
  return policy({ environments: [{ pattern: 'prod', ...env }] });
}

function pendingReq(
  s: Partial<RequestShorthand> & { reason?: string },
  now = THU_NOON,
): AccessRequest {
  const r = req({ id: 'r1', roles: ['prod-db'], state: 'PENDING', ...s });
  // helpers count minutes from their own NOW; these tests move `now`, so times are set here.
  r.created = new Date(now.getTime() - 5 * 60_000);
  r.expires = new Date(now.getTime() + 60 * 60_000);
  if (s.reason !== undefined) r.requestReason = s.reason;
  return r;
}

function watcherApproved(r: AccessRequest): AccessRequest {
  return {
    ...r,
    state: 'APPROVED',
    resolveAnnotations: { [ANNOTATION_DECISION]: [`${r.id}/approve/compliant`] },
  };
}

void describe('environment window on a pending request', () => {
  const rows: Array<[string, Omit<Environment, 'pattern'>, Date, string, RegExp]> = [
    ['inside: approved', { window: WORKDAY }, THU_NOON, 'approve', /^Auto-approved/],
    [
      'outside: left to humans, naming the window and its next opening in its zone',
      { window: WORKDAY },
      SAT_NOON,
      'escalate',
      /^Outside the access window of "prod" \(prod-db\): "Mon-Fri 08:00-18:00 Europe\/Berlin"; left to human reviewers; or ask again when it next opens Mon 2026-01-05 08:00 Europe\/Berlin$/,
    ],
    [
      'outside, outside: deny',
      { window: WORKDAY, outside: 'deny' },
      SAT_NOON,
      'deny',
      /; it next opens Mon 2026-01-05 08:00 Europe\/Berlin: ask again then$/,
    ],
    [
      'several ranges: the afternoon range',
      { window: 'Mon-Fri 08:00-12:00 13:00-17:00 Europe/Berlin' },
      THU_NOON,
      'approve',
      /^Auto-approved/,
    ],
    [
      'overnight range: open at 13:00 UTC+1 on a Thursday? no',
      { window: 'daily 22:00-06:00 Europe/Berlin' },
      THU_NOON,
      'escalate',
      /next opens Thu 2026-01-01 22:00 Europe\/Berlin/,
    ],
  ];
  for (const [name, env, now, action, reason] of rows) {
    void it(name, () => {
      const d = evaluatePending(pendingReq({}, now), prod(env), now);
      assert.equal(d.action, action);
      assert.match(d.reason, reason);
    });
  }

  void it('a denial by another rule wins over being left to humans', () => {
    const p = policy({
      environments: [{ pattern: 'prod', window: WORKDAY, reason: '^INC-[0-9]+' }],
    });
    const d = evaluatePending(pendingReq({ reason: 'because' }, SAT_NOON), p, SAT_NOON);
    assert.equal(d.action, 'deny');
    assert.equal(d.policy, 'request-reason');
  });

  void it('auto-approve off keeps its meaning: compliant is left alone, outside still escalates', () => {
    const p = { ...prod({ window: WORKDAY }), autoApprove: false };
    assert.equal(evaluatePending(pendingReq({}), p, THU_NOON).action, 'none');
    assert.equal(evaluatePending(pendingReq({}, SAT_NOON), p, SAT_NOON).action, 'escalate');
  });
});

void describe('closeLocks', () => {
  const p = prod({ window: WORKDAY, closeLocks: true });
  const held = watcherApproved(pendingReq({}));
  held.expires = new Date('2026-01-02T12:00:00Z');

  void it('watcher-approved access is locked once the window has closed, the lock ending with it', () => {
    const at = new Date('2026-01-01T17:00:00Z'); // 18:00 Berlin
    const [d] = evaluateUser('alice', [held], [], p, at);
    assert.equal(d?.action, 'lock');
    assert.equal(d?.policy, 'environment-window');
    assert.equal(d?.details.lock?.expires, held.expires?.toISOString());
  });

  void it('not while it is open, and never a human approval', () => {
    assert.deepEqual(evaluateUser('alice', [held], [], p, THU_NOON), []);
    const human = { ...held, resolveAnnotations: {} };
    assert.deepEqual(evaluateUser('alice', [human], [], p, new Date('2026-01-01T17:00:00Z')), []);
  });

  void it('the deadline is the close, and an evaluation at it locks', () => {
    const [deadline] = userDeadlines('alice', [held], [], p, THU_NOON);
    assert.deepEqual(deadline, {
      at: '2026-01-01T17:00:00.000Z',
      user: 'alice',
      requestId: 'r1',
      kind: 'window-closes',
      what: 'lock r1: prod window closes',
      pattern: 'prod',
    });
    const at = new Date(deadline?.at ?? '');
    assert.equal(evaluateUser('alice', [held], [], p, at)[0]?.action, 'lock');
  });
});

void describe('request reason', () => {
  const p = prod({ reason: '^(INC|CHG)-[0-9]+' });
  void it('a matching reason is approved', () =>
    assert.equal(
      evaluatePending(pendingReq({ reason: 'INC-1234: db' }), p, THU_NOON).action,
      'approve',
    ));

  void it('no match: denied with the pattern and a command that complies', () => {
    const d = evaluatePending(pendingReq({ reason: 'need it' }), p, THU_NOON);
    assert.equal(d.action, 'deny');
    assert.equal(
      d.reason,
      'Request reason does not match the format "prod" (prod-db) requires: "^(INC|CHG)-[0-9]+"; ask again with a matching reason, e.g. tsh request create --roles prod-db --reason "INC-0: ..."',
    );
  });

  void it('no reason, missingReason: humans, with the configured example', () => {
    const q = prod({
      reason: '^INC-[0-9]+',
      reasonExample: 'INC-1234: restart db',
      missingReason: 'humans',
    });
    const d = evaluatePending(pendingReq({}), q, THU_NOON);
    assert.equal(d.action, 'escalate');
    assert.match(
      d.reason,
      /^Request reason \(none given\) the format .*; left to human reviewers; or ask again .*--reason "INC-1234: restart db"$/,
    );
  });

  void it('RE2 semantics: case-sensitive unless (?i)', () => {
    assert.equal(evaluatePending(pendingReq({ reason: 'inc-1' }), p, THU_NOON).action, 'deny');
    const q = prod({ reason: '(?i)^inc-[0-9]+' });
    assert.equal(evaluatePending(pendingReq({ reason: 'INC-1' }), q, THU_NOON).action, 'approve');
  });
});

void describe('maxAccess', () => {
  const p = prod({ maxAccess: '4h' });
  const eightHours = (now = THU_NOON) => {
    const r = pendingReq({}, now);
    r.expires = new Date(r.created.getTime() + 8 * 3_600_000);
    return r;
  };

  void it('asking longer: approved, the reason saying for how long and when it is locked', () => {
    const d = evaluatePending(eightHours(), p, THU_NOON);
    assert.equal(d.action, 'approve');
    assert.match(d.reason, /; approved for 4h of the 8h asked; locked at 15:55 UTC$/);
  });

  void it('asking shorter: approved, no note', () => {
    const d = evaluatePending(pendingReq({}), p, THU_NOON);
    assert.equal(
      d.reason,
      'Auto-approved: complies with access policies (checked: resource-limit, environment-separation, max-access)',
    );
  });

  void it('longer: humans leaves it to humans, saying how to comply', () => {
    const d = evaluatePending(eightHours(), prod({ maxAccess: '4h', longer: 'humans' }), THU_NOON);
    assert.equal(d.action, 'escalate');
    assert.match(d.reason, /or ask for at most 4h \(tsh request create --max-duration 4h\)$/);
  });

  void it('locked by the user evaluation once reached, from the start (assume_start_time)', () => {
    const held = watcherApproved(eightHours());
    const before = new Date(held.created.getTime() + 4 * 3_600_000 - 1);
    const at = new Date(held.created.getTime() + 4 * 3_600_000);
    assert.deepEqual(evaluateUser('alice', [held], [], p, before), []);
    const [d] = evaluateUser('alice', [held], [], p, at);
    assert.equal(d?.action, 'lock');
    assert.equal(d?.policy, 'max-access');
    const [deadline] = userDeadlines('alice', [held], [], p, THU_NOON);
    assert.equal(deadline?.kind, 'max-access');
    assert.equal(deadline?.at, at.toISOString());
    assert.equal(deadline?.what, 'lock r1: 4h of prod access reached');
  });

  void it("the whole evaluation marks its own approvals as the watcher's", () => {
    const decisions = evaluate({ now: THU_NOON, requests: [eightHours()], locks: [] }, p);
    assert.deepEqual(
      decisions.map((d) => d.action),
      ['approve'],
    );
    const later = new Date(THU_NOON.getTime() + 5 * 3_600_000);
    const approved = watcherApproved(eightHours());
    assert.ok(approvedByWatcher(approved));
    assert.equal(evaluateUser('alice', [approved], [], p, later)[0]?.action, 'lock');
  });
});

void describe('environment settings', () => {
  const bad: Array<[Omit<Environment, 'pattern'>, string]> = [
    [
      { window: 'Mon-Fry 08:00-18:00 Europe/Berlin' },
      'environments[0] ("prod").window: unknown days "Mon-Fry" (use Mon-Fri, Sat or daily) in window "Mon-Fry 08:00-18:00 Europe/Berlin"; write DAYS HH:MM-HH:MM[, DAYS HH:MM-HH:MM ...] ZONE, e.g. "Mon-Fri 08:00-18:00 Europe/Berlin"',
    ],
    [
      { window: 'Mon-Fri 08:00-18:00 Europe/Berln' },
      'environments[0] ("prod").window: unknown time zone "Europe/Berln" in window "Mon-Fri 08:00-18:00 Europe/Berln"; write DAYS HH:MM-HH:MM[, DAYS HH:MM-HH:MM ...] ZONE, e.g. "Mon-Fri 08:00-18:00 Europe/Berlin"',
    ],
    [
      { maxAccess: '4 hours' },
      'environments[0] ("prod").maxAccess: must be a duration of at least 1m like 4h, 90m or 1d, got "4 hours"',
    ],
    [
      { reason: '(INC' },
      'environments[0] ("prod").reason: pattern "(INC" is not a valid RE2 regular expression (error parsing regexp: missing closing ): `(INC`); escape special characters with a backslash',
    ],
    [{ outside: 'deny' }, 'environments: entry 1 ("prod"): outside needs window in the same entry'],
    [
      {},
      'environments: entry 1 ("prod"): needs a limit: maxRequests, maxResources, window, reason, maxAccess, budget or cooldown',
    ],
  ];
  for (const [env, want] of bad) {
    void it(want.slice(0, 60), () => assert.deepEqual(validatePolicy(prod(env)), [want]));
  }
  void it('an environment with all four limits is valid', () =>
    assert.deepEqual(
      validatePolicy(
        prod({
          maxRequests: 1,
          window: WORKDAY,
          closeLocks: true,
          reason: '^INC-',
          maxAccess: '4h',
        }),
      ),
      [],
    ));
});

void describe('approved by the watcher', () => {
  const base = req({ id: 'r9', roles: ['prod-db'] });
  const review = (reason: string, proposedState: 'APPROVED' | 'DENIED' = 'APPROVED') => ({
    ...base,
    reviews: [{ author: 'jit-watcher-bot', proposedState, reason }],
  });
  const rows: Array<[string, AccessRequest, boolean]> = [
    ['state mode: the decision annotation', watcherApproved(base), true],
    ['a human approval', base, false],
    [
      'review mode: the review suffix the watcher writes',
      review(
        'Auto-approved: ... [jit-watcher/policy=compliant jit-watcher/decision=r9/approve/compliant]',
      ),
      true,
    ],
    ['review mode: a human review', review('looks fine'), false],
    [
      'review mode: the watcher denied, a human approved',
      review('Denied [jit-watcher/policy=max-access jit-watcher/decision=r9/deny/max-access]'),
      false,
    ],
    ['not approved at all', { ...watcherApproved(base), state: 'DENIED' }, false],
  ];
  for (const [name, request, want] of rows) {
    void it(name, () => assert.equal(approvedByWatcher(request), want));
  }
});
