// The budget rule as tables: pending requests through evaluatePending with the user's ledger
// (hours, grants, cooldown, overrides, several budgets, over: humans, a partial ledger, maxAccess),
// holdings through evaluateUser (locked when used up), the 'budget-exhausted' deadline, evaluate()
// counting each approval before the user's next request, and the settings' one-line problems.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { AccessRequest } from '../../../src/domain/accessRequest';
import { userDeadlines } from '../../../src/policy/deadlines';
import { limitsFor } from '../../../src/policy/budgets';
import { applyDecisions, evaluate } from '../../../src/policy/evaluate';
import { intervalsOf, observeUsage } from '../../../src/policy/ledger';
import { evaluatePending } from '../../../src/policy/pending';
import { validatePolicy } from '../../../src/policy/policy';
import { covered, exhaustion, fits, union } from '../../../src/policy/slidingWindow';
import type { Environment, Policy } from '../../../src/policy/types';
import type { UserUsage } from '../../../src/policy/usage';
import { evaluateUser } from '../../../src/policy/user';
import { at, brief, NOW, policy, req } from './helpers';

// NOW is Thursday 2026-01-01 12:00 UTC; times below are minutes from it.
const DAY = 1440;
const iso = (minutes: number) => at(minutes).toISOString();
const EIGHT_A_WEEK = { budget: { hours: 8, per: '7d' } };

function prod(env: Omit<Environment, 'pattern'>): Policy {
  return policy({ environments: [{ pattern: 'prod', ...env }] });
}

/** A ledger of prod spans [id, start, end(, grantedAt)] in minutes; since a month ago by default. */
function ledger(
  spans: Array<[string, number, number, number?]>,
  opts: { since?: number; user?: string } = {},
): UserUsage {
  return {
    user: opts.user ?? 'alice',
    since: iso(opts.since ?? -30 * DAY),
    spans: spans.map(([requestId, start, end, granted]) => ({
      requestId,
      environment: 'prod',
      start: iso(start),
      end: iso(end),
      grantedAt: iso(granted ?? start),
    })),
  };
}

function pending(id = 'r1', from = 0, to = 120, user = 'alice'): AccessRequest {
  return req({ id, user, roles: ['prod-db'], state: 'PENDING', created: from, expires: to });
}

// 7h30m held six days ago: it leaves the 7d window from Fri 12:00 to 19:30.
const SEVEN_AND_A_HALF: Array<[string, number, number]> = [['old', -6 * DAY, -6 * DAY + 450]];

void describe('budget on a pending request', () => {
  const rows: Array<{
    name: string;
    env: Omit<Environment, 'pattern'>;
    usage?: UserUsage;
    request?: AccessRequest;
    action: string;
    reason: RegExp;
  }> = [
    {
      name: 'within the budget: approved',
      env: EIGHT_A_WEEK,
      usage: ledger([['old', -6 * DAY, -6 * DAY + 300]]),
      action: 'approve',
      reason: /^Auto-approved: complies with access policies \(checked: .*budget\)$/,
    },
    {
      name: 'over hours: denied, saying what was used and when enough frees up',
      env: EIGHT_A_WEEK,
      usage: ledger(SEVEN_AND_A_HALF),
      action: 'deny',
      reason:
        /^Over budget: used 7h30m of 8h in the last 7d in "prod" \(prod-db\); 2h free again from Fri 11:30 UTC$/,
    },
    {
      name: 'over: humans leaves it to human reviewers',
      env: { ...EIGHT_A_WEEK, over: 'humans' },
      usage: ledger(SEVEN_AND_A_HALF),
      action: 'escalate',
      reason: /2h free again from Fri 11:30 UTC; left to human reviewers$/,
    },
    {
      name: 'a window reaching before the ledger says earlier use is unknown',
      env: EIGHT_A_WEEK,
      usage: ledger(SEVEN_AND_A_HALF, { since: -6 * DAY - 60 }),
      action: 'deny',
      reason:
        /free again from Fri 11:30 UTC \(ledger starts 2025-12-26 11:00 UTC; earlier use unknown\)$/,
    },
    {
      name: 'without a ledger: asking more than the budget never fits',
      env: EIGHT_A_WEEK,
      request: pending('r1', 0, 600),
      action: 'deny',
      reason:
        /^Over budget: the 10h asked is more than the 8h budget per 7d in "prod" \(prod-db\); ask for at most 8h \(tsh request create --max-duration 8h\)$/,
    },
    {
      name: 'the request counts only up to maxAccess',
      env: { ...EIGHT_A_WEEK, maxAccess: '1h' },
      usage: ledger([['old', -6 * DAY, -6 * DAY + 420]]),
      action: 'approve',
      reason: /approved for 1h of the 2h asked/,
    },
    {
      name: "a user's override: more hours for alice",
      env: { ...EIGHT_A_WEEK, overrides: [{ user: 'alice', hours: 16 }] },
      usage: ledger(SEVEN_AND_A_HALF),
      action: 'approve',
      reason: /^Auto-approved/,
    },
    {
      name: "another user's override changes nothing for alice",
      env: { ...EIGHT_A_WEEK, overrides: [{ user: 'bob', hours: 16 }] },
      usage: ledger(SEVEN_AND_A_HALF),
      action: 'deny',
      reason: /^Over budget: used 7h30m of 8h/,
    },
    {
      name: 'access held at the same time counts once: asking within what is held fits',
      env: EIGHT_A_WEEK,
      usage: ledger([
        ['old', -6 * DAY, -6 * DAY + 300],
        ['held', -60, 120],
      ]),
      action: 'approve',
      reason: /^Auto-approved/,
    },
    {
      name: 'several budgets: the tighter one decides',
      env: {
        budget: [
          { hours: 8, per: '7d' },
          { hours: 2, per: '1d' },
        ],
      },
      usage: ledger([['today', -200, -110]]),
      request: pending('r1', 0, 60),
      action: 'deny',
      reason:
        /^Over budget: used 1h30m of 2h in the last 1d in "prod" \(prod-db\); 1h free again from Fri 08:10 UTC$/,
    },
    {
      name: 'grants: the budget is full; next when the oldest leaves the window',
      env: { budget: { grants: 3, per: '1d' } },
      usage: ledger([
        ['g1', -1200, -1100],
        ['g2', -600, -500],
        ['g3', -60, -30],
      ]),
      action: 'deny',
      reason:
        /^Over budget: 3 of 3 grants in the last 1d in "prod" \(prod-db\); next from 16:00 UTC$/,
    },
    {
      name: 'grants: one left',
      env: { budget: { grants: 3, per: '1d' } },
      usage: ledger([
        ['g1', -1500, -1400],
        ['g2', -600, -500],
        ['g3', -60, -30],
      ]),
      action: 'approve',
      reason: /^Auto-approved/,
    },
    {
      name: 'cooldown: too soon after the last grant ended',
      env: { cooldown: '1h' },
      usage: ledger([['last', -120, -30]]),
      action: 'deny',
      reason: /^Cooldown in "prod" \(prod-db\) until 12:30 UTC: 1h after the last grant ends$/,
    },
    {
      name: 'cooldown: over',
      env: { cooldown: '1h' },
      usage: ledger([['last', -180, -61]]),
      action: 'approve',
      reason: /^Auto-approved/,
    },
  ];
  for (const row of rows) {
    void it(row.name, () => {
      const d = evaluatePending(row.request ?? pending(), prod(row.env), NOW, row.usage);
      assert.equal(d.action, row.action, d.reason);
      assert.match(d.reason, row.reason);
      if (row.action !== 'approve') assert.equal(d.policy, 'budget');
    });
  }

  void it('the decision keeps the figures', () => {
    const d = evaluatePending(pending(), prod(EIGHT_A_WEEK), NOW, ledger(SEVEN_AND_A_HALF));
    assert.deepEqual(d.details.budget, {
      environment: 'prod',
      kind: 'hours',
      per: '7d',
      allowed: '8h',
      used: '7h30m',
      freeFrom: iso(DAY - 30),
    });
  });

  void it('a request under no budgeted environment is not judged by it', () => {
    const r = req({ id: 'r1', roles: ['dev'], state: 'PENDING', expires: 6000 });
    assert.equal(evaluatePending(r, prod(EIGHT_A_WEEK), NOW).action, 'approve');
  });
});

void describe('budget over what a user holds', () => {
  const held = (id: string, created: number, expires: number, user = 'alice') =>
    req({ id, user, roles: ['prod-db'], created, expires });
  const rows: Array<{
    name: string;
    requests: AccessRequest[];
    usage?: UserUsage;
    env?: Omit<Environment, 'pattern'>;
    exempt?: string[];
    want: string[];
  }> = [
    {
      name: 'use reaches the budget: locked',
      requests: [held('r1', -60, 120)],
      usage: ledger([
        ['old', -3 * DAY, -3 * DAY + 420],
        ['r1', -60, 120],
      ]),
      want: ['lock:r1:budget'],
    },
    {
      name: 'not yet: kept',
      requests: [held('r1', -60, 120)],
      usage: ledger([
        ['old', -3 * DAY, -3 * DAY + 360],
        ['r1', -60, 120],
      ]),
      want: [],
    },
    {
      name: 'without a ledger, the holdings alone: 9h held of 8h',
      requests: [held('r1', -540, 60)],
      want: ['lock:r1:budget'],
    },
    {
      name: 'every holding in the environment is locked, newest first',
      requests: [held('r1', -300, 60), held('r2', -240, 60), held('dev', -300, 60)],
      usage: ledger([['old', -DAY, -DAY + 240]]),
      want: ['lock:r2:budget', 'lock:r1:budget'],
    },
    {
      name: 'an exempt user is not locked',
      requests: [held('r1', -540, 60)],
      exempt: ['alice'],
      want: ['none:r1:exempt'],
    },
  ];
  for (const row of rows) {
    void it(row.name, () => {
      const requests = row.requests.map((r) => (r.id === 'dev' ? { ...r, roles: ['dev'] } : r));
      const p = prod(row.env ?? EIGHT_A_WEEK);
      if (row.exempt) p.exempt = { users: row.exempt, roles: [] };
      const got = evaluateUser('alice', requests, [], p, NOW, [], row.usage);
      assert.deepEqual(brief(got), row.want);
    });
  }

  void it('the lock says which budget was used up', () => {
    const [d] = evaluateUser('alice', [held('r1', -540, 60)], [], prod(EIGHT_A_WEEK), NOW);
    assert.match(
      d?.reason ?? '',
      /^Budget used up: 8h budget of "prod" \(prod-db\) in 7d used up \(held 9h in the last 7d\)/,
    );
    assert.equal(d?.details.lock?.expires, iso(60));
  });

  void it("deadline: when access in force uses the budget up, the watcher's timer wakes", () => {
    const r1 = held('r1', -60, 240);
    const usage = ledger([
      ['old', -3 * DAY, -3 * DAY + 360],
      ['r1', -60, 240],
    ]);
    const deadlines = userDeadlines('alice', [r1], [], prod(EIGHT_A_WEEK), NOW, usage);
    assert.deepEqual(deadlines, [
      {
        at: iso(60),
        user: 'alice',
        requestId: 'r1',
        kind: 'budget-exhausted',
        what: 'lock r1: 8h budget of prod in 7d used up',
        pattern: 'prod',
      },
    ]);
    // At that moment the evaluation locks it.
    const later = evaluateUser('alice', [r1], [], prod(EIGHT_A_WEEK), at(60), [], usage);
    assert.deepEqual(brief(later), ['lock:r1:budget']);
    // A minute before, not yet.
    assert.deepEqual(
      brief(evaluateUser('alice', [r1], [], prod(EIGHT_A_WEEK), at(59), [], usage)),
      [],
    );
  });

  void it('no deadline when the access ends first', () => {
    const r1 = held('r1', -60, 30);
    const usage = ledger([['old', -3 * DAY, -3 * DAY + 360]]);
    assert.deepEqual(userDeadlines('alice', [r1], [], prod(EIGHT_A_WEEK), NOW, usage), []);
  });
});

void describe('evaluate: one user, several pending requests in one snapshot', () => {
  void it('hours: two requests cannot both fit in the last hour', () => {
    const first = pending('r1', -2, 60);
    const second = { ...pending('r2', -1, 120), assumeStartTime: at(60) };
    const usage = [ledger([['old', -3 * DAY, -3 * DAY + 418]])];
    const p = prod(EIGHT_A_WEEK);
    // Each alone fits.
    for (const r of [first, second])
      assert.equal(evaluatePending(r, p, NOW, usage[0]).action, 'approve');
    const got = evaluate({ now: NOW, requests: [second, first], locks: [], usage }, p);
    assert.deepEqual(brief(got), ['approve:r1:compliant', 'deny:r2:budget']);
  });

  void it('grants: the second of two when one grant is left', () => {
    const usage = [ledger([['g1', -300, -200]])];
    const p = prod({ budget: { grants: 2, per: '1d' } });
    const requests = [pending('r1', -2, 60), pending('r2', -1, 60), pending('b1', -1, 60, 'bob')];
    const got = evaluate({ now: NOW, requests, locks: [], usage }, p);
    assert.deepEqual(brief(got), [
      'approve:r1:compliant',
      'approve:b1:compliant',
      'deny:r2:budget',
    ]);
  });
});

void describe('budget settings', () => {
  const bad: Array<[unknown, string]> = [
    [{ budget: { hours: 8 } }, 'budget.per: must be a duration like 7d, got nothing'],
    [{ budget: { per: '7d' } }, 'budget: needs hours, grants or both, got {"per":"7d"}'],
    [
      { budget: { hours: -1, per: '7d' } },
      'budget.hours: must be a number of hours greater than 0, got -1',
    ],
    [
      { budget: { hours: 8, per: 'week' } },
      'budget.per: must be a duration of at least 1m like 7d, 1d or 12h, got "week"',
    ],
    [
      { budget: { hours: 8, per: '7d', minutes: 3 } },
      'budget: unknown key "minutes"; use hours, grants, per',
    ],
    [
      {
        budget: [
          { hours: 8, per: '7d' },
          { grants: 1.5, per: '1d' },
        ],
      },
      'budget[1].grants: must be a whole number of at least 1, got 1.5',
    ],
    [{ budget: 8 }, 'budget: must be a budget like {hours: 8, per: 7d}, or a list of them, got 8'],
    [
      { cooldown: '1 hour' },
      'cooldown: must be a duration of at least 1m like 1h, 1d or 12h, got "1 hour"',
    ],
    [{ cooldown: '1h', over: 'ask' }, 'over: must be "deny" or "humans", got "ask"'],
    [
      { budget: { hours: 8, per: '7d' }, overrides: [{ user: 'alice' }] },
      'overrides[0]: needs hours, grants or both, got {"user":"alice"}',
    ],
  ];
  for (const [env, want] of bad) {
    void it(want.slice(0, 60), () =>
      assert.deepEqual(validatePolicy(prod(env as Omit<Environment, 'pattern'>)), [
        `environments[0] ("prod").${want}`,
      ]),
    );
  }
  const entryProblems: Array<[unknown, string]> = [
    [
      { maxAccess: '1h', overrides: [{ user: 'alice', hours: 16 }] },
      'overrides needs budget in the same entry',
    ],
    [{ maxAccess: '1h', over: 'humans' }, 'over needs budget or cooldown in the same entry'],
    [
      { ...EIGHT_A_WEEK, overrides: [{ user: 'alice', hours: 16, per: '1d' }] },
      'overrides: user "alice" names per "1d", but no budget of the entry has that window; use one of "7d"',
    ],
    [
      { ...EIGHT_A_WEEK, overrides: [{ user: 'alice', grants: 2 }] },
      'overrides: user "alice" sets grants, but no budget it applies to has grants',
    ],
    [
      {
        ...EIGHT_A_WEEK,
        overrides: [
          { user: 'alice', hours: 9 },
          { user: 'alice', hours: 10 },
        ],
      },
      'overrides: user "alice" is given twice; give one override',
    ],
  ];
  for (const [env, want] of entryProblems) {
    void it(want.slice(0, 60), () =>
      assert.deepEqual(validatePolicy(prod(env as Omit<Environment, 'pattern'>)), [
        `environments: entry 1 ("prod"): ${want}`,
      ]),
    );
  }
  void it('every setting at once is valid; a cooldown alone is a limit', () => {
    assert.deepEqual(
      validatePolicy(
        prod({
          budget: [
            { hours: 8, per: '7d' },
            { grants: 3, per: '1d' },
          ],
          cooldown: '1h',
          overrides: [
            { user: 'alice', hours: 16 },
            { user: 'bob', grants: 5, per: '24h' },
          ],
          over: 'humans',
        }),
      ),
      [],
    );
    assert.deepEqual(validatePolicy(prod({ cooldown: '30m' })), []);
  });
});

void describe('budget properties', () => {
  // Past use in prod (ended by now), and a pending request starting now or later.
  const past = fc.array(
    fc
      .tuple(fc.integer({ min: -8 * DAY, max: -1 }), fc.integer({ min: 1, max: 600 }))
      .map(([start, len]): [number, number] => [start, Math.min(0, start + len)]),
    { maxLength: 6 },
  );
  void it('an approval never takes the user over an hours budget; a denial names a start that fits', () =>
    fc.assert(
      fc.property(
        past,
        fc.integer({ min: 0, max: 120 }),
        fc.integer({ min: 10, max: 600 }),
        fc.integer({ min: 1, max: 12 }),
        (spans, later, length, hours) => {
          const usage = ledger(spans.map(([s, e], i) => [`p${i}`, s, e]));
          const p = prod({ budget: { hours, per: '7d' } });
          const r = { ...pending('r1', 0, later + length), assumeStartTime: at(later) };
          const d = evaluatePending(r, p, NOW, usage);
          const u = union(intervalsOf(usage.spans, 'prod'));
          const asked = { start: at(later).getTime(), end: at(later + length).getTime() };
          const limit = hours * 3_600_000;
          if (d.action === 'approve') {
            assert.equal(
              exhaustion(union([...u, asked]), 7 * DAY * 60_000, limit, NOW.getTime()),
              undefined,
            );
            return;
          }
          assert.equal(d.action, 'deny');
          const from = d.details.budget?.freeFrom;
          if (from === undefined) {
            assert.ok(length * 60_000 > limit, d.reason);
            return;
          }
          const start = Date.parse(from);
          const moved = { start, end: start + length * 60_000 };
          assert.ok(fits(u, 7 * DAY * 60_000, limit, moved, NOW.getTime()), d.reason);
        },
      ),
      { numRuns: 200 },
    ));
});

void describe('budget: evaluate is a fixed point', () => {
  const USERS = ['alice', 'bob'];
  const requestArb = fc.record({
    user: fc.constantFrom(...USERS),
    state: fc.constantFrom('PENDING', 'APPROVED', 'APPROVED'),
    created: fc.integer({ min: -900, max: 0 }),
    length: fc.integer({ min: 10, max: 900 }),
    dev: fc.boolean(),
  });
  const pastArb = fc.array(
    fc.record({
      user: fc.constantFrom(...USERS),
      start: fc.integer({ min: -8 * DAY, max: -1000 }),
      length: fc.integer({ min: 1, max: 600 }),
    }),
    { maxLength: 5 },
  );
  const envArb = fc.constantFrom<Omit<Environment, 'pattern'>>(
    EIGHT_A_WEEK,
    {
      budget: [
        { hours: 4, per: '1d' },
        { grants: 2, per: '1d' },
      ],
    },
    { budget: { hours: 6, per: '7d' }, cooldown: '2h' },
    { budget: { hours: 10, per: '7d' }, overrides: [{ user: 'bob', hours: 3 }] },
  );
  void it('applying the decisions leaves nothing to approve, deny or lock, and no access over an hours budget', () =>
    fc.assert(
      fc.property(fc.array(requestArb, { maxLength: 6 }), pastArb, envArb, (rs, past, env) => {
        const requests = rs.map((r, i) =>
          req({
            id: `r${i}`,
            user: r.user,
            roles: [r.dev ? 'dev-app' : 'prod-db'],
            state: r.state,
            created: r.created,
            expires: r.created + r.length,
          }),
        );
        const usage = USERS.map((user) =>
          ledger(
            past
              .filter((x) => x.user === user)
              .map((x, i): [string, number, number] => [`p${i}`, x.start, x.start + x.length]),
            { user },
          ),
        );
        const p = prod(env);
        const s = { now: NOW, requests, locks: [], usage };
        const after = applyDecisions(s, evaluate(s, p));
        const again = evaluate(after, p).filter((d) =>
          ['approve', 'deny', 'lock'].includes(d.action),
        );
        assert.deepEqual(brief(again), []);
        for (const user of USERS) {
          const before = usage.find((u) => u.user === user);
          const seen = observeUsage(before, user, after.requests, after.locks, p, NOW, iso(0));
          const u = union(intervalsOf(seen.spans, 'prod'));
          for (const limit of limitsFor({ pattern: 'prod', ...env }, user)) {
            if (limit.kind !== 'hours' || !covered(u, NOW.getTime())) continue;
            assert.ok(
              exhaustion(u, limit.perMs, limit.limit, NOW.getTime()) !== NOW.getTime(),
              `${user} holds prod over ${limit.per}`,
            );
          }
        }
      }),
      { numRuns: 300 },
    ));
});
