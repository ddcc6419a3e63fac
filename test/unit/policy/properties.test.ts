// Property tests over random snapshots: what must hold after applying the decisions, whatever the
// requests, locks and policy. The checks re-derive "in force" and "held" here, independently of
// src/policy, so a shared bug cannot hide. numRuns stays modest to keep the suite fast.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { resourcePath, type AccessRequest } from '../../../src/domain/accessRequest';
import type { Lock } from '../../../src/domain/lock';
import { applyDecisions, evaluate } from '../../../src/policy/evaluate';
import type { Cap } from '../../../src/policy/caps';
import type { Decision, Policy, Snapshot } from '../../../src/policy/types';
import { NOW, at, req } from './helpers';

const RUNS = { numRuns: 200 };
const USERS = ['alice', 'bob', 'zoë-田中'];
const ROLES = [
  'prod-db',
  'research-lab',
  'dev-app',
  'prod-research',
  'viewer',
  'break-glass',
  'Staging-X',
];
const RESOURCES = ['node/a', 'node/b', 'node/c', 'node/d', 'db/e', '/other/node/a'];

const requestArb = fc.record({
  user: fc.constantFrom(...USERS),
  roles: fc.uniqueArray(fc.constantFrom(...ROLES), { maxLength: 3 }),
  resources: fc.array(fc.constantFrom(...RESOURCES), { maxLength: 5 }),
  state: fc.constantFrom(
    'PENDING' as const,
    'APPROVED' as const,
    'APPROVED' as const,
    'DENIED' as const,
  ),
  created: fc.integer({ min: -30, max: 0 }),
  expires: fc.option(fc.integer({ min: -20, max: 100 }), { nil: null }),
});

const lockArb = fc.record({
  target: fc.nat(11),
  watcher: fc.boolean(),
  expires: fc.option(fc.integer({ min: -30, max: 60 }), { nil: undefined }),
});

const snapshotArb = fc
  .record({
    requests: fc.array(requestArb, { maxLength: 10 }),
    locks: fc.array(lockArb, { maxLength: 4 }),
    previous: fc.array(fc.nat(11), { maxLength: 3 }),
  })
  .map(({ requests, locks, previous }): Snapshot => ({
    now: NOW,
    requests: requests.map((r, i) => req({ id: `r${i}`, ...r })),
    locks: locks.map(({ target, watcher, expires }, i): Lock => {
      const lock: Lock = {
        name: watcher ? `jit-watcher-r${target}` : `other-${i}`,
        target: { accessRequest: `r${target}` },
      };
      if (expires !== undefined) lock.expires = at(expires);
      return lock;
    }),
    previousWatcherLocks: previous.map((n) => `r${n}`),
  }));

const basePolicyArb: fc.Arbitrary<Policy> = fc.record({
  maxResources: fc.integer({ min: 1, max: 4 }),
  resourceLimit: fc.boolean(),
  roleConflicts: fc.boolean(),
  conflictPatterns: fc.constantFrom(
    ['prod', 'research'],
    ['prod', 'research', 'dev'],
    ['^prod', 'research|staging'],
  ),
  autoApprove: fc.boolean(),
  dryRun: fc.boolean(),
  exempt: fc.record({
    users: fc.subarray(['bob']),
    roles: fc.subarray(['break-glass']),
  }),
  roleRequestWeight: fc.integer({ min: 0, max: 1 }),
  reviewMode: fc.constant('state' as const),
});

/** Absent half the time (as in a policy from before caps existed). */
const capsArb = fc.option(
  fc.constantFrom<Cap[]>(
    [{ pattern: 'prod', maxRequests: 1 }],
    [
      { pattern: 'prod', maxResources: 2 },
      { pattern: 'research|dev', maxRequests: 2 },
    ],
    [
      { pattern: '^prod', maxRequests: 1, maxResources: 3 },
      { pattern: 'lab', maxResources: 1 },
    ],
  ),
  { nil: undefined, freq: 2 },
);

const policyArb: fc.Arbitrary<Policy> = fc
  .tuple(basePolicyArb, capsArb)
  .map(([p, caps]) => (caps === undefined ? p : { ...p, caps }));

function exempt(r: AccessRequest, p: Policy): boolean {
  return p.exempt.users.includes(r.user) || r.roles.some((role) => p.exempt.roles.includes(role));
}

/** Non-exempt approved requests of the user in force in s, newest first. */
function holding(s: Snapshot, user: string, p: Policy): AccessRequest[] {
  const locked = new Set(
    s.locks
      .filter((l) => l.expires === undefined || l.expires > s.now)
      .map((l) => l.target.accessRequest),
  );
  return s.requests
    .filter((r) => r.user === user && r.state === 'APPROVED' && !locked.has(r.id))
    .filter((r) => r.expires === undefined || r.expires > s.now)
    .filter((r) => !exempt(r, p))
    .sort((a, b) => b.created.getTime() - a.created.getTime() || (a.id < b.id ? -1 : 1));
}

function size(rs: AccessRequest[], p: Policy): number {
  const paths = new Set(rs.flatMap((r) => r.resources.map(resourcePath)));
  return paths.size + rs.filter((r) => r.resources.length === 0).length * p.roleRequestWeight;
}

function environments(rs: AccessRequest[], p: Policy): Set<string> {
  const envs = new Set<string>();
  for (const pattern of p.conflictPatterns) {
    const re = new RegExp(pattern, 'i');
    if (rs.some((r) => r.roles.some((role) => re.test(role)))) envs.add(pattern);
  }
  return envs;
}

function underPattern(rs: AccessRequest[], pattern: string): AccessRequest[] {
  const re = new RegExp(pattern, 'i');
  return rs.filter((r) => r.roles.some((role) => re.test(role)));
}

function fitsAlone(r: AccessRequest, cap: Cap, p: Policy): boolean {
  return cap.maxResources === undefined || size([r], p) <= cap.maxResources;
}

function shuffle<T>(xs: T[], seed: number): T[] {
  const out = [...xs];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

const isAction = (d: Decision) => d.action !== 'none';

void describe('policy properties', () => {
  void it('after applying, no user holds more than maxResources in force', () => {
    fc.assert(
      fc.property(snapshotArb, policyArb, (s, p) => {
        fc.pre(p.resourceLimit);
        const after = applyDecisions(s, evaluate(s, p));
        for (const user of USERS) assert.ok(size(holding(after, user, p), p) <= p.maxResources);
      }),
      RUNS,
    );
  });

  void it('after applying, no user holds two conflicting environments in force', () => {
    fc.assert(
      fc.property(snapshotArb, policyArb, (s, p) => {
        fc.pre(p.roleConflicts);
        const after = applyDecisions(s, evaluate(s, p));
        for (const user of USERS) assert.ok(environments(holding(after, user, p), p).size <= 1);
      }),
      RUNS,
    );
  });

  void it('the newest request in force is never locked by the resource limit when it fits alone', () => {
    fc.assert(
      fc.property(snapshotArb, policyArb, (s, p) => {
        const decisions = evaluate(s, p);
        const approvals = decisions.filter((d) => d.action === 'approve');
        const afterPending = applyDecisions(s, approvals);
        for (const user of USERS) {
          const newest = holding(afterPending, user, p)[0];
          if (!newest || size([newest], p) > p.maxResources) continue;
          const limited = decisions.filter(
            (d) =>
              d.requestId === newest.id && d.action === 'lock' && d.policy === 'resource-limit',
          );
          assert.deepEqual(limited, []);
        }
      }),
      RUNS,
    );
  });

  void it('after applying, no user holds more under a pattern than its cap allows', () => {
    fc.assert(
      fc.property(snapshotArb, policyArb, (s, p) => {
        fc.pre(p.caps !== undefined);
        const after = applyDecisions(s, evaluate(s, p));
        for (const user of USERS) {
          for (const cap of p.caps ?? []) {
            const under = underPattern(holding(after, user, p), cap.pattern);
            assert.ok(under.length <= (cap.maxRequests ?? Infinity));
            assert.ok(size(under, p) <= (cap.maxResources ?? Infinity));
          }
        }
      }),
      RUNS,
    );
  });

  void it("the newest request in force under a pattern is never locked by that pattern's cap when it fits alone", () => {
    fc.assert(
      fc.property(snapshotArb, policyArb, (s, p) => {
        fc.pre(p.caps !== undefined);
        const decisions = evaluate(s, p);
        const afterPending = applyDecisions(
          s,
          decisions.filter((d) => d.action === 'approve'),
        );
        const caps: Cap[] = p.caps ?? [];
        for (const user of USERS) {
          for (const cap of caps) {
            const newest = underPattern(holding(afterPending, user, p), cap.pattern)[0];
            if (!newest || !fitsAlone(newest, cap, p)) continue;
            // Another cap may lock it (a newer request holds that one); this one may not.
            const locked = decisions.filter(
              (d) =>
                d.requestId === newest.id &&
                d.action === 'lock' &&
                d.details.caps?.[0]?.pattern === cap.pattern,
            );
            assert.deepEqual(locked, []);
          }
        }
      }),
      RUNS,
    );
  });

  void it('evaluating the applied result asks for nothing more (fixed point)', () => {
    fc.assert(
      fc.property(snapshotArb, policyArb, (s, p) => {
        const after = applyDecisions(s, evaluate(s, p));
        assert.deepEqual(evaluate(after, p).filter(isAction), []);
      }),
      RUNS,
    );
  });

  void it('gives the same output for shuffled input', () => {
    fc.assert(
      fc.property(snapshotArb, policyArb, fc.nat(), (s, p, seed) => {
        const shuffled: Snapshot = {
          now: s.now,
          requests: shuffle(s.requests, seed),
          locks: shuffle(s.locks, seed + 1),
          previousWatcherLocks: shuffle(s.previousWatcherLocks ?? [], seed + 2),
        };
        assert.deepEqual(evaluate(shuffled, p), evaluate(s, p));
      }),
      RUNS,
    );
  });

  void it('decisions are plain JSON, unique, and never act on exempt requests', () => {
    fc.assert(
      fc.property(snapshotArb, policyArb, (s, p) => {
        const decisions = evaluate(s, p);
        assert.deepEqual(JSON.parse(JSON.stringify(decisions)), decisions);
        assert.equal(new Set(decisions.map((d) => d.id)).size, decisions.length);
        for (const d of decisions) {
          const request = s.requests.find((r) => r.id === d.requestId);
          assert.ok(request);
          if (exempt(request, p)) assert.equal(d.action, 'none');
          assert.equal(d.dryRun, p.dryRun ? true : undefined);
        }
      }),
      RUNS,
    );
  });
});
