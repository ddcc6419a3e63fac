// Table tests for environment separation in per-user evaluation: the published example (separate
// prod and research requests, the older locked), custom pattern sets, and how it combines with the
// resource limit. Rows list decisions newest request first.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateUser } from '../../../src/policy/user';
import { NOW, nodes, policy, req, userRowTests, type UserRow } from './helpers';

const rows: UserRow[] = [
  {
    name: 'separate prod and research requests: the older is locked',
    requests: [
      { id: 'prod', created: -30, roles: ['prod-db'] },
      { id: 'research', created: -10, roles: ['research-lab'] },
    ],
    want: ['lock:prod:environment-separation'],
  },
  {
    name: 'two prod requests never lock each other',
    requests: [
      { id: 'p1', created: -30, roles: ['prod-db'] },
      { id: 'p2', created: -10, roles: ['prod-web'] },
    ],
    want: [],
  },
  {
    name: 'environment-free requests never conflict',
    requests: [
      { id: 'plain', created: -30, roles: ['viewer'] },
      { id: 'prod', created: -10, roles: ['prod-db'] },
    ],
    want: [],
  },
  {
    name: 'an approved request mixing environments is locked on its own',
    requests: [{ id: 'mixed', created: -10, roles: ['prod-db', 'research-lab'] }],
    want: ['lock:mixed:environment-separation'],
  },
  {
    name: 'a locked mixed request holds no environment: the next newest decides',
    requests: [
      { id: 'research', created: -30, roles: ['research-lab'] },
      { id: 'prod', created: -20, roles: ['prod-db'] },
      { id: 'mixed', created: -10, roles: ['prod-db', 'research-lab'] },
    ],
    want: ['lock:mixed:environment-separation', 'lock:research:environment-separation'],
  },
  {
    name: 'custom patterns dev,staging,prod: the newest environment wins',
    requests: [
      { id: 'prod', created: -30, roles: ['prod-admin'] },
      { id: 'staging', created: -20, roles: ['staging-admin'] },
      { id: 'dev', created: -10, roles: ['dev-admin'] },
      { id: 'dev-old', created: -40, roles: ['dev-ro'] },
    ],
    policy: { conflictPatterns: ['dev', 'staging', 'prod'] },
    want: ['lock:staging:environment-separation', 'lock:prod:environment-separation'],
  },
  {
    name: 'team patterns',
    requests: [
      { id: 'beta', created: -20, roles: ['team-beta-admin'] },
      { id: 'alpha', created: -10, roles: ['team-alpha-admin'] },
    ],
    policy: { conflictPatterns: ['team-alpha', 'team-beta', 'team-gamma'] },
    want: ['lock:beta:environment-separation'],
  },
  {
    name: 'region patterns',
    requests: [
      { id: 'us', created: -10, roles: ['region-us-east'] },
      { id: 'eu', created: -20, roles: ['region-eu-west'] },
    ],
    policy: { conflictPatterns: ['region-us', 'region-eu'] },
    want: ['lock:eu:environment-separation'],
  },
  {
    name: 'separation runs first; the limit counts only what remains',
    requests: [
      { id: 'research', created: -30, roles: ['research-lab'], resources: nodes(3, 'r') },
      { id: 'prod', created: -10, roles: ['prod-db'], resources: nodes(2, 'p') },
    ],
    want: ['lock:research:environment-separation'],
  },
  {
    name: 'role conflicts off alone: prod and research both kept',
    requests: [
      { id: 'prod', created: -30, roles: ['prod-db'] },
      { id: 'research', created: -10, roles: ['research-lab'] },
    ],
    policy: { roleConflicts: false },
    want: [],
  },
];

void describe('environment separation', () => {
  userRowTests(rows);

  void it('names the newer request holding the other environment', () => {
    const requests = [
      req({ id: 'prod', created: -30, roles: ['prod-db'] }),
      req({ id: 'research', created: -10, roles: ['research-lab'] }),
    ];
    const [d] = evaluateUser('alice', requests, [], policy(), NOW);
    assert.equal(
      d?.reason,
      'Environment separation: newer request research holds "research"; this older request\'s ' +
        '"prod" (prod-db) may not be held at the same time; the newest wins',
    );
    assert.deepEqual(d?.details.keptRequestIds, ['research']);
    assert.deepEqual(d?.details.heldPatterns, ['research']);
  });
});
