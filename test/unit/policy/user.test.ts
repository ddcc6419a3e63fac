// Table tests for per-user evaluation: the resource limit (the published example keeps the three
// newest), what takes a request out of force (expiry, denial, anyone's lock), exemptions, and the
// lock each violation asks for. Environment separation has its own file.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateUser } from '../../../src/policy/user';
import {
  NOW,
  at,
  lockOn,
  nodes,
  policy,
  req,
  userRowTests,
  type RequestShorthand,
  type UserRow,
} from './helpers';

const one = (
  id: string,
  created: number,
  extra: Partial<RequestShorthand> = {},
): RequestShorthand => ({
  id,
  created,
  resources: [`node/${id}`],
  ...extra,
});

const rows: UserRow[] = [
  {
    name: 'four single-resource requests: the oldest is locked, the three newest kept',
    requests: [one('a1', -40), one('a2', -30), one('a3', -20), one('a4', -10)],
    want: ['lock:a1:resource-limit'],
  },
  {
    name: 'five requests: the two oldest are locked',
    requests: [one('a1', -50), one('a2', -40), one('a3', -30), one('a4', -20), one('a5', -10)],
    want: ['lock:a2:resource-limit', 'lock:a1:resource-limit'],
  },
  {
    name: 'the first that does not fit and every older one are locked, even one that would fit',
    requests: [
      one('old', -30),
      { id: 'mid', created: -20, resources: nodes(3, 'mid') },
      one('new', -10),
    ],
    want: ['lock:mid:resource-limit', 'lock:old:resource-limit'],
  },
  {
    name: 'a newest request over the limit on its own is locked with all older',
    requests: [{ id: 'big', created: -10, resources: nodes(5) }, one('old', -20)],
    want: ['lock:big:resource-limit', 'lock:old:resource-limit'],
  },
  {
    name: 'a resource held through two requests counts once',
    requests: [
      { id: 'r1', created: -20, resources: ['node/b', 'node/c'] },
      { id: 'r2', created: -10, resources: ['node/a', 'node/b'] },
    ],
    want: [],
  },
  {
    name: 'role-only requests weigh nothing by default',
    requests: [
      { id: 'role', created: -5, roles: ['auditor'] },
      { id: 'res', created: -10, resources: nodes(3) },
    ],
    want: [],
  },
  {
    name: 'role-only requests weigh roleRequestWeight when set',
    requests: [
      { id: 'role', created: -20, roles: ['auditor'] },
      { id: 'res', created: -10, resources: nodes(3) },
    ],
    policy: { roleRequestWeight: 1 },
    want: ['lock:role:resource-limit'],
  },
  {
    name: 'resource limit off alone: many resources kept',
    requests: [one('a1', -40), one('a2', -30), one('a3', -20), one('a4', -10)],
    policy: { resourceLimit: false },
    want: [],
  },
  {
    name: 'expired, denied and pending requests do not count',
    requests: [
      one('a1', -40),
      one('a2', -30),
      one('a3', -20),
      { ...one('gone', -5), expires: -1 },
      { ...one('no', -4), state: 'DENIED' },
      { ...one('wait', -3), state: 'PENDING' },
    ],
    want: [],
  },
  {
    name: 'a request with no expiry is in force',
    requests: [one('a1', -40, { expires: null }), one('a2', -30), one('a3', -20), one('a4', -10)],
    want: ['lock:a1:resource-limit'],
  },
  {
    name: 'a request locked by someone else (lock in force) does not count',
    requests: [one('a1', -40), one('a2', -30), one('a3', -20), one('a4', -10)],
    locks: [lockOn('a2', { name: 'admin-lock', expires: 30 })],
    want: [],
  },
  {
    name: 'an expired lock no longer takes a request out of force',
    requests: [one('a1', -40), one('a2', -30), one('a3', -20), one('a4', -10)],
    locks: [lockOn('a1', { name: 'jit-watcher-a1', expires: -1 })],
    want: ['lock:a1:resource-limit'],
  },
  {
    name: 'a lock on the user, not the request, changes nothing here',
    requests: [one('a1', -40), one('a2', -30), one('a3', -20), one('a4', -10)],
    locks: [{ name: 'user-lock', target: { user: 'alice' } }],
    want: ['lock:a1:resource-limit'],
  },
  {
    name: 'equal creation times: the lower id counts as newer',
    requests: [one('d', -10), one('b', -10), one('a', -10), one('c', -10)],
    want: ['lock:d:resource-limit'],
  },
  {
    name: "other users' requests are ignored",
    requests: [
      one('a1', -40),
      one('a2', -30),
      one('b1', -20, { user: 'bob' }),
      one('b2', -10, { user: 'bob' }),
    ],
    want: [],
  },
  {
    name: 'unicode user names',
    user: 'zoë-田中',
    requests: ['z1', 'z2', 'z3', 'z4'].map((id, i) => one(id, -40 + i * 10, { user: 'zoë-田中' })),
    want: ['lock:z1:resource-limit'],
  },
  {
    name: 'an exempt user is never locked',
    requests: [one('a1', -40), one('a2', -30), one('a3', -20), one('a4', -10)],
    policy: { exempt: { users: ['alice'], roles: [] } },
    want: ['none:a4:exempt', 'none:a3:exempt', 'none:a2:exempt', 'none:a1:exempt'],
  },
  {
    name: 'a request with an exempt role is neither locked nor counted',
    requests: [
      one('a1', -40),
      one('a2', -30),
      { id: 'bg', created: -5, roles: ['break-glass', 'research-x'], resources: nodes(4, 'x') },
      { id: 'p', created: -20, roles: ['prod-db'], resources: ['node/p'] },
    ],
    policy: { exempt: { users: [], roles: ['break-glass'] } },
    want: ['none:bg:exempt'],
  },
];

void describe('evaluateUser', () => {
  userRowTests(rows);

  void it('builds the lock: watcher name, the reason as message, the access expiry', () => {
    const requests = [
      { id: 'a1', created: -40, resources: ['node/a1'], expires: 90 },
      { id: 'a2', created: -30, resources: ['node/a2', 'node/a3', 'node/a4'] },
    ].map(req);
    const [d, ...more] = evaluateUser('alice', requests, [], policy(), NOW);
    assert.equal(more.length, 0);
    assert.equal(d?.id, 'a1/lock/resource-limit');
    assert.equal(
      d?.reason,
      "Resource limit: this request's 1 resource with the 3 held through newer requests make 4, " +
        'exceeding limit of 3; retaining only the newest',
    );
    assert.deepEqual(d?.details, {
      checks: ['resource-limit', 'environment-separation'],
      resourceCount: 1,
      limit: 3,
      heldResources: 3,
      totalResources: 4,
      keptRequestIds: ['a2'],
      lock: { name: 'jit-watcher-a1', message: d?.reason, expires: at(90).toISOString() },
    });
  });

  void it('a request without expiry gets a lock without expiry', () => {
    const requests = [req({ id: 'm', roles: ['prod-a', 'research-b'], expires: null })];
    const [d] = evaluateUser('alice', requests, [], policy(), NOW);
    assert.deepEqual(d?.details.lock, { name: 'jit-watcher-m', message: d?.reason });
  });

  void it('says so when it recreates a watcher lock someone deleted', () => {
    const requests = ['a1', 'a2', 'a3', 'a4'].map((id, i) =>
      req({ id, created: -40 + 10 * i, resources: [`node/${id}`] }),
    );
    const [d] = evaluateUser('alice', requests, [], policy(), NOW, ['a1']);
    assert.match(d?.reason ?? '', /^Recreating a watcher lock that was deleted: Resource limit: /);
    assert.equal(d?.details.lockRecreated, true);
    assert.equal(d?.details.lock?.message, d?.reason);
  });

  void it('dry-run marks every decision', () => {
    const requests = [req({ id: 'm', roles: ['prod-a', 'research-b'] })];
    const [d] = evaluateUser('alice', requests, [], policy({ dryRun: true }), NOW);
    assert.equal(d?.dryRun, true);
    assert.equal(d?.action, 'lock');
  });
});
