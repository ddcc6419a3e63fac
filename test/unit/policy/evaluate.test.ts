// Whole-snapshot evaluation: pending decisions count before the user rules run (so applying the
// decisions is a fixed point), applyDecisions models Teleport, and output ignores input order.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isWatcherLock, watcherLockName } from '../../../src/policy/decision';
import { applyDecisions, evaluate } from '../../../src/policy/evaluate';
import type { Policy, Snapshot } from '../../../src/policy/types';
import { NOW, actions, brief, lockOn, nodes, policy, req } from './helpers';

function snapshot(
  requests: Parameters<typeof req>[0][],
  locks = [lockOn('x', { expires: 5 })],
): Snapshot {
  return { now: NOW, requests: requests.map(req), locks };
}

interface Row {
  name: string;
  snapshot: Snapshot;
  policy?: Partial<Policy>;
  want: string[];
}

const rows: Row[] = [
  {
    name: 'a pending fourth resource is approved and the oldest approved one locked at once',
    snapshot: snapshot([
      { id: 'a1', created: -40, resources: ['node/1'] },
      { id: 'a2', created: -30, resources: ['node/2'] },
      { id: 'a3', created: -20, resources: ['node/3'] },
      { id: 'a4', created: -1, resources: ['node/4'], state: 'PENDING' },
    ]),
    want: ['approve:a4:compliant', 'lock:a1:resource-limit'],
  },
  {
    name: 'pending research with approved prod: approve research, lock prod',
    snapshot: snapshot([
      { id: 'c1', user: 'carol', created: -30, roles: ['prod-db'] },
      { id: 'c2', user: 'carol', created: -1, roles: ['research-lab'], state: 'PENDING' },
    ]),
    want: ['approve:c2:compliant', 'lock:c1:environment-separation'],
  },
  {
    name: 'pending requests are judged oldest first, users in code-unit order',
    snapshot: snapshot([
      { id: 'p2', user: 'bob', created: -2, state: 'PENDING', resources: nodes(9) },
      { id: 'p1', user: 'zoë', created: -3, state: 'PENDING' },
      { id: 'z', user: 'Zed', roles: ['prod-1', 'research-1'] },
      { id: 'b', user: 'bob', roles: ['prod-1', 'research-1'] },
    ]),
    want: [
      'approve:p1:compliant',
      'deny:p2:resource-limit',
      'lock:z:environment-separation',
      'lock:b:environment-separation',
    ],
  },
  {
    name: 'auto-approve off: pending stays pending and is not counted',
    snapshot: snapshot([
      { id: 'a1', created: -40, resources: nodes(3) },
      { id: 'a2', created: -1, resources: ['node/x'], state: 'PENDING' },
    ]),
    policy: { autoApprove: false },
    want: ['none:a2:compliant'],
  },
];

void describe('evaluate', () => {
  for (const row of rows) {
    void it(row.name, () => {
      const p = policy(row.policy);
      const decisions = evaluate(row.snapshot, p);
      assert.deepEqual(brief(decisions), row.want);
      const after = applyDecisions(row.snapshot, decisions);
      assert.deepEqual(actions(evaluate(after, p)), [], 'applying the decisions is a fixed point');
    });
  }

  void it('dry-run gives the same decisions, each marked', () => {
    const s = rows[0]?.snapshot as Snapshot;
    const live = evaluate(s, policy());
    const dry = evaluate(s, policy({ dryRun: true }));
    assert.deepEqual(
      dry,
      live.map((d) => ({ ...d, dryRun: true })),
    );
  });

  void it('does not depend on the order of requests and locks', () => {
    const s = rows[2]?.snapshot as Snapshot;
    const shuffled: Snapshot = {
      ...s,
      requests: [...s.requests].reverse(),
      locks: [...s.locks].reverse(),
    };
    assert.deepEqual(evaluate(shuffled, policy()), evaluate(s, policy()));
  });
});

void describe('applyDecisions', () => {
  void it('approves, denies and adds watcher locks; leaves the input alone', () => {
    const s = snapshot([
      { id: 'ok', state: 'PENDING', created: -5 },
      { id: 'big', state: 'PENDING', created: -4, resources: nodes(5) },
      { id: 'mixed', roles: ['prod-a', 'research-b'], expires: 30 },
    ]);
    const before = JSON.stringify(s);
    const after = applyDecisions(s, evaluate(s, policy()));
    assert.equal(JSON.stringify(s), before);
    assert.deepEqual(
      after.requests.map((r) => `${r.id}:${r.state}`),
      ['ok:APPROVED', 'big:DENIED', 'mixed:APPROVED'],
    );
    const lock = after.locks.find((l) => l.name === watcherLockName('mixed'));
    assert.deepEqual(lock?.target, { accessRequest: 'mixed' });
    assert.equal(lock?.expires?.toISOString(), s.requests[2]?.expires?.toISOString());
    assert.deepEqual(after.previousWatcherLocks, ['mixed']);
  });

  void it('replaces an expired watcher lock of the same name', () => {
    const s = snapshot(
      [{ id: 'm', roles: ['prod-a', 'research-b'] }],
      [lockOn('m', { name: 'jit-watcher-m', expires: -10 })],
    );
    const decisions = evaluate({ ...s, previousWatcherLocks: ['m'] }, policy());
    assert.match(decisions[0]?.reason ?? '', /^Recreating a watcher lock that was deleted/);
    const after = applyDecisions(s, decisions);
    assert.equal(after.locks.length, 1);
    assert.equal(after.locks[0]?.expires?.toISOString(), s.requests[0]?.expires?.toISOString());
  });

  void it('does not change requests that are no longer pending', () => {
    const s = snapshot([{ id: 'r', state: 'DENIED' }]);
    const after = applyDecisions(s, [
      {
        id: 'r/approve/compliant',
        requestId: 'r',
        user: 'alice',
        action: 'approve',
        policy: 'compliant',
        reason: '',
        details: { checks: [] },
      },
    ]);
    assert.equal(after.requests[0]?.state, 'DENIED');
  });
});

void describe('watcher lock names', () => {
  const cases: [string, boolean][] = [
    ['jit-watcher-abc', true],
    ['jit-watcher-', true],
    ['admin-lock', false],
    ['JIT-WATCHER-abc', false],
  ];
  for (const [name, want] of cases) {
    void it(`${name} -> ${want}`, () => assert.equal(isWatcherLock(name), want));
  }
  void it('round-trips', () => assert.equal(isWatcherLock(watcherLockName('r-1')), true));
});
