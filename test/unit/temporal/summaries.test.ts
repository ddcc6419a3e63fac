// The lines the Web UI shows for a sweep, as tables: who and what for every action, never a
// request's reason, always one bounded line.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Decision, DecisionDetails } from '../../../src/policy/types';
import { emptyCounts } from '../../../src/temporal/sweepTypes';
import {
  actionSummary,
  evaluateRequestSummary,
  evaluateUserSummary,
  readHoldingsSummary,
  readPageSummary,
  sweepDetails,
  sweepSummary,
  type Ask,
} from '../../../src/temporal/workflows/summaries';

const ID = '0194c0de-7a1b-7c2d-8e3f-405162738495';
const SHORT = '…62738495';

function decision(
  action: Decision['action'],
  policy: Decision['policy'],
  details: Partial<DecisionDetails> = {},
  user = 'alice',
): Decision {
  return {
    id: `${ID}/${action}/${policy}`,
    requestId: ID,
    user,
    action,
    policy,
    reason: 'SECRET reason text the summary must not show',
    details: { checks: [], ...details },
  };
}

const nodes = (n: number): Ask => ({
  roles: ['access'],
  resources: Array.from({ length: n }, () => ({ kind: 'node' })),
});

describe('actionSummary', () => {
  const rows: Array<{ name: string; decision: Decision; ask?: Ask; want: string }> = [
    {
      name: 'an approval names what the request asks for',
      decision: decision('approve', 'compliant'),
      ask: nodes(2),
      want: `approve alice ${SHORT} (2 nodes)`,
    },
    {
      name: 'an approval of mixed kinds',
      decision: decision('approve', 'compliant'),
      ask: { roles: ['access'], resources: [{ kind: 'node' }, { kind: 'db' }] },
      want: `approve alice ${SHORT} (1 node, 1 db)`,
    },
    {
      name: 'an approval of a role-only request',
      decision: decision('approve', 'compliant'),
      ask: { roles: ['prod-db'], resources: [] },
      want: `approve alice ${SHORT} (role prod-db)`,
    },
    {
      name: 'an approval without the request at hand',
      decision: decision('approve', 'compliant'),
      want: `approve alice ${SHORT}`,
    },
    {
      name: 'a denial for mixing environments names the patterns',
      decision: decision(
        'deny',
        'environment-separation',
        {
          matches: [
            { pattern: 'prod', roles: ['prod-db'] },
            { pattern: 'research', roles: ['research-lab'] },
          ],
        },
        'bob',
      ),
      want: `deny bob ${SHORT}: mixes prod and research`,
    },
    {
      name: 'three environments',
      decision: decision('deny', 'environment-separation', {
        matches: ['dev', 'prod', 'research'].map((pattern) => ({ pattern, roles: [pattern] })),
      }),
      want: `deny alice ${SHORT}: mixes dev, prod and research`,
    },
    {
      name: 'a denial over the resource limit gives the figures',
      decision: decision('deny', 'resource-limit', { resourceCount: 5, limit: 3 }, 'dave'),
      want: `deny dave ${SHORT}: 5 resources, limit 3`,
    },
    {
      name: 'a denial without figures names its policy',
      decision: decision('deny', 'resource-limit'),
      want: `deny alice ${SHORT}: resource limit`,
    },
    {
      name: "an escalation gives the rule's own words (registry)",
      decision: decision('escalate', 'environment-window', {
        window: 'Mon-Fri 08:00-18:00 Europe/Berlin',
      }),
      want: `escalate alice ${SHORT}: outside window Mon-Fri 08:00-18:00 Europe/Berlin`,
    },
    {
      name: 'a denial for the request reason names the pattern',
      decision: decision('deny', 'request-reason', { reasonPattern: '^INC-[0-9]+' }),
      want: `deny alice ${SHORT}: reason not ^INC-[0-9]+`,
    },
    {
      name: 'a lock names its policy',
      decision: decision('lock', 'resource-limit', { totalResources: 4, limit: 3 }),
      want: `lock alice ${SHORT}: resource limit`,
    },
    {
      name: 'a lock for environment separation',
      decision: decision('lock', 'environment-separation', {}, 'carol'),
      want: `lock carol ${SHORT}: environment separation`,
    },
    {
      name: 'a lock that someone deleted and the watcher recreates',
      decision: decision('lock', 'resource-limit', { lockRecreated: true }),
      want: `lock alice ${SHORT}: resource limit, lock recreated`,
    },
  ];
  for (const row of rows) {
    it(row.name, () => {
      const summary = actionSummary(row.decision, row.ask);
      assert.equal(summary, row.want);
      assert.ok(!summary.includes('SECRET'));
    });
  }

  it('a long or multi-line user name stays one bounded line', () => {
    const summary = actionSummary(
      decision('lock', 'resource-limit', {}, `eve\n${'x'.repeat(500)}`),
    );
    assert.ok(!summary.includes('\n'));
    assert.equal(summary.length, 160);
    assert.ok(summary.startsWith('lock eve xxx') && summary.endsWith('…'));
  });
});

describe('activity summaries', () => {
  const rows: Array<[string, string]> = [
    [evaluateRequestSummary({ id: ID, user: 'bob' }), `evaluate request bob ${SHORT}`],
    [evaluateUserSummary('alice'), 'evaluate user alice'],
    [readPageSummary(1), 'read page 1 of pending requests'],
    [readPageSummary(7), 'read page 7 of pending requests'],
    [readPageSummary(1, ['r1', 'r2', 'r3']), 'read 3 changed requests'],
    [readPageSummary(1, ['r1']), 'read 1 changed request'],
    [readHoldingsSummary(false), 'read holdings'],
    [readHoldingsSummary(true), 'read holdings of every user (full evaluation)'],
  ];
  for (const [got, want] of rows) it(want, () => assert.equal(got, want));
});

describe('sweepSummary', () => {
  const rows: Array<[Parameters<typeof sweepSummary>, string]> = [
    [[{ fullEvaluation: false, targets: ['a', 'b', 'c'] }], 'sweep: 3 requests changed'],
    [[{ fullEvaluation: false, targets: ['a'] }, 'ignored cause'], 'sweep: 1 request changed'],
    [[{ fullEvaluation: false }, 'poll interval'], 'sweep: poll interval'],
    [[{ fullEvaluation: true }, 'sweepNow signal'], 'sweep: sweepNow signal, every user'],
    [[{ fullEvaluation: false }], 'sweep: all pending requests'],
    [[{ fullEvaluation: true }], 'sweep: all pending requests, every user'],
    [
      [{ fullEvaluation: false, targets: [] }, 'deadline: evaluate gina: access of r1 starts'],
      'sweep: deadline: evaluate gina: access of r1 starts',
    ],
  ];
  for (const [args, want] of rows) it(want, () => assert.equal(sweepSummary(...args), want));
});

describe('sweepDetails', () => {
  const counts = {
    ...emptyCounts(),
    evaluatedRequests: 4,
    evaluatedUsers: 1,
    approved: 2,
    denied: 1,
    locked: 1,
  };
  const rows: Array<[Parameters<typeof sweepDetails>[0], string]> = [
    [
      { counts, runs: 1, stage: 'done' },
      '**done**: approved 2, denied 1, locked 1, skipped 0, failed 0  \nevaluated 4 requests, 1 user',
    ],
    [
      { counts: { ...counts, failed: 3 }, runs: 3, stage: 'under way' },
      '**under way**: approved 2, denied 1, locked 1, skipped 0, failed 3  \nevaluated 4 requests, 1 user in 3 runs',
    ],
    [
      { counts: emptyCounts(), runs: 2, stage: 'continued as new' },
      '**continued as new**: approved 0, denied 0, locked 0, skipped 0, failed 0  \nevaluated 0 requests, 0 users in 2 runs',
    ],
    [
      { counts: { ...counts, escalated: 2 }, runs: 1, stage: 'done' },
      '**done**: approved 2, denied 1, locked 1, skipped 0, failed 0, escalated 2  \nevaluated 4 requests, 1 user',
    ],
  ];
  for (const [progress, want] of rows)
    it(want.replace('  \n', ' / '), () => assert.equal(sweepDetails(progress), want));
});
