// Table tests for judging one pending request on its own: each published example, each policy
// switched off alone, auto-approve off, dry-run, and the edge cases of roles, resources and patterns.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluatePending } from '../../../src/policy/pending';
import type { Policy } from '../../../src/policy/types';
import { NOW, nodes, policy, req, type RequestShorthand } from './helpers';

interface Row {
  name: string;
  request: Omit<RequestShorthand, 'id'>;
  policy?: Partial<Policy>;
  /** `action:policy` */
  want: string;
  reason?: string | RegExp;
}

const prodResearch =
  'Request mixes environments: "prod" (prod-db), "research" (research-lab); ' +
  'roles matching different conflict patterns may not be held together';

const rows: Row[] = [
  {
    name: 'compliant request is approved and says which checks ran',
    request: { resources: nodes(2), roles: ['prod-db'] },
    want: 'approve:compliant',
    reason:
      'Auto-approved: complies with access policies (checked: resource-limit, environment-separation)',
  },
  {
    name: 'exactly the limit is fine',
    request: { resources: nodes(3) },
    want: 'approve:compliant',
  },
  {
    name: 'five resources exceed the limit of three',
    request: { resources: nodes(5) },
    want: 'deny:resource-limit',
    reason: 'Request contains 5 resources, exceeds limit of 3; ask for at most 3 resources',
  },
  {
    name: 'duplicate resources count once',
    request: { resources: ['node/a', 'node/b', 'node/a', 'node/c', 'node/b'] },
    want: 'approve:compliant',
  },
  {
    name: 'same name in another cluster is another resource',
    request: { resources: ['/one/node/a', '/two/node/a', '/one/node/b', '/one/node/c'] },
    want: 'deny:resource-limit',
    reason: 'Request contains 4 resources, exceeds limit of 3; ask for at most 3 resources',
  },
  {
    name: 'prod and research in one request are denied',
    request: { roles: ['prod-db', 'research-lab'] },
    want: 'deny:environment-separation',
    reason: prodResearch,
  },
  {
    name: 'patterns match case-insensitively, anywhere in the name',
    request: { roles: ['PROD-DB', 'team-Research'] },
    want: 'deny:environment-separation',
    reason: /"prod" \(PROD-DB\), "research" \(team-Research\)/,
  },
  {
    name: 'one role matching two patterns mixes environments on its own',
    request: { roles: ['prod-research-bridge'] },
    want: 'deny:environment-separation',
  },
  {
    name: 'several roles of one environment are fine',
    request: { roles: ['prod-db', 'prod-web'] },
    want: 'approve:compliant',
  },
  {
    name: 'the resource limit is checked first',
    request: { roles: ['prod-db', 'research-lab'], resources: nodes(4) },
    want: 'deny:resource-limit',
  },
  { name: 'no roles and no resources', request: { roles: [] }, want: 'approve:compliant' },
  {
    name: 'custom patterns dev,staging,prod',
    request: { roles: ['dev-app', 'staging-db'] },
    policy: { conflictPatterns: ['dev', 'staging', 'prod'] },
    want: 'deny:environment-separation',
    reason: /"dev" \(dev-app\), "staging" \(staging-db\)/,
  },
  {
    name: 'team patterns: alpha with gamma',
    request: { roles: ['team-alpha-admin', 'team-gamma-ro'] },
    policy: { conflictPatterns: ['team-alpha', 'team-beta', 'team-gamma'] },
    want: 'deny:environment-separation',
  },
  {
    name: 'team patterns: one team is fine',
    request: { roles: ['team-alpha-admin', 'team-alpha-ro'] },
    policy: { conflictPatterns: ['team-alpha', 'team-beta', 'team-gamma'] },
    want: 'approve:compliant',
  },
  {
    name: 'region patterns',
    request: { roles: ['region-us-east', 'region-eu-west'] },
    policy: { conflictPatterns: ['region-us', 'region-eu'] },
    want: 'deny:environment-separation',
  },
  {
    name: 'regex metacharacters: anchors keep preprod out of ^prod-',
    request: { roles: ['preprod-db', 'lab-x'] },
    policy: { conflictPatterns: ['^prod-', 'research|lab'] },
    want: 'approve:compliant',
  },
  {
    name: 'regex metacharacters: escaped dot and alternation',
    request: { roles: ['eu.west-admin', 'lab-x'] },
    policy: { conflictPatterns: ['eu\\.west', 'research|lab'] },
    want: 'deny:environment-separation',
    reason: /"eu\\\\.west" \(eu.west-admin\), "research\|lab" \(lab-x\)/,
  },
  {
    name: 'resource limit off: five resources approved',
    request: { resources: nodes(5) },
    policy: { resourceLimit: false },
    want: 'approve:compliant',
    reason: 'Auto-approved: complies with access policies (checked: environment-separation)',
  },
  {
    name: 'role conflicts off: prod with research approved',
    request: { roles: ['prod-db', 'research-lab'] },
    policy: { roleConflicts: false },
    want: 'approve:compliant',
  },
  {
    name: 'both checks off',
    request: { roles: ['prod-db', 'research-lab'], resources: nodes(9) },
    policy: { roleConflicts: false, resourceLimit: false },
    want: 'approve:compliant',
    reason: 'Auto-approved: complies with access policies (no checks enabled)',
  },
  {
    name: 'auto-approve off leaves compliant requests to humans',
    request: { resources: nodes(1) },
    policy: { autoApprove: false },
    want: 'none:compliant',
    reason: /auto-approval is off, left to human reviewers/,
  },
  {
    name: 'auto-approve off still denies',
    request: { resources: nodes(5) },
    policy: { autoApprove: false },
    want: 'deny:resource-limit',
  },
  {
    name: 'exempt user is left to humans even when violating',
    request: { user: 'root', resources: nodes(5) },
    policy: { exempt: { users: ['root'], roles: [] } },
    want: 'none:exempt',
    reason: 'Exempt: user "root" is exempt; left to human reviewers',
  },
  {
    name: 'exempt role is left to humans',
    request: { roles: ['break-glass', 'prod-db', 'research-lab'] },
    policy: { exempt: { users: [], roles: ['break-glass'] } },
    want: 'none:exempt',
    reason: 'Exempt: requests exempt role "break-glass"; left to human reviewers',
  },
  {
    name: 'unicode user name',
    request: { user: 'zoë-田中', resources: nodes(1) },
    want: 'approve:compliant',
  },
  {
    name: 'a request that is no longer pending gets no verdict',
    request: { state: 'APPROVED', resources: nodes(9) },
    want: 'none:compliant',
  },
];

void describe('evaluatePending', () => {
  for (const row of rows) {
    void it(row.name, () => {
      const request = req({ id: 'r1', state: 'PENDING', ...row.request });
      const d = evaluatePending(request, policy(row.policy), NOW);
      assert.equal(`${d.action}:${d.policy}`, row.want);
      assert.equal(d.requestId, 'r1');
      assert.equal(d.user, request.user);
      assert.equal(d.id, `r1/${d.action}/${d.policy}`);
      assert.equal(d.dryRun, undefined);
      if (typeof row.reason === 'string') assert.equal(d.reason, row.reason);
      if (row.reason instanceof RegExp) assert.match(d.reason, row.reason);
      assert.deepEqual(JSON.parse(JSON.stringify(d)), d, 'plain JSON');
    });
  }

  void it('carries the figures in details', () => {
    const d = evaluatePending(
      req({ id: 'r1', state: 'PENDING', roles: ['prod-db', 'research-lab', 'research-ro'] }),
      policy(),
      NOW,
    );
    assert.deepEqual(d.details, {
      checks: ['resource-limit', 'environment-separation'],
      resourceCount: 0,
      limit: 3,
      matches: [
        { pattern: 'prod', roles: ['prod-db'] },
        { pattern: 'research', roles: ['research-lab', 'research-ro'] },
      ],
    });
  });

  void it('dry-run makes the same decision, marked', () => {
    const request = req({ id: 'r1', state: 'PENDING', resources: nodes(5) });
    const live = evaluatePending(request, policy(), NOW);
    const dry = evaluatePending(request, policy({ dryRun: true }), NOW);
    assert.deepEqual(dry, { ...live, dryRun: true });
  });
});
