// The snapshot file parser: good files become Snapshots with Dates and ResourceIds; every bad field
// is a returned one-line error naming the entry and field.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSnapshot } from '../../../src/policy/snapshotFile';

const request = {
  id: 'r1',
  user: 'alice',
  roles: ['access'],
  resources: ['node/web-1'],
  state: 'APPROVED',
  created: '2026-01-01T11:00:00Z',
  expires: '2026-01-01T13:00:00Z',
};

function file(
  change: Record<string, unknown> = {},
  requestChange: Record<string, unknown> = {},
): string {
  return JSON.stringify({
    now: '2026-01-01T12:00:00Z',
    requests: [{ ...request, ...requestChange }],
    ...change,
  });
}

const bad: [string, string, string][] = [
  ['not JSON', '{', 'not valid JSON: '],
  ['not an object', '[]', 'snapshot: must be an object, got []'],
  [
    'missing now',
    JSON.stringify({ requests: [] }),
    'now: required, an RFC 3339 time like "2026-01-01T12:00:00Z"',
  ],
  [
    'bad time',
    file({}, { created: 'yesterday' }),
    'requests[0].created: not an RFC 3339 time: "yesterday"',
  ],
  [
    'impossible date',
    file({}, { expires: '2026-02-30T00:00:00Z' }),
    'requests[0].expires: not an RFC 3339 time: "2026-02-30T00:00:00Z"',
  ],
  [
    'no time zone',
    file({ now: '2026-01-01T12:00:00' }),
    'now: not an RFC 3339 time: "2026-01-01T12:00:00"',
  ],
  [
    'bad state',
    file({}, { state: 'OK' }),
    'requests[0].state: must be one of NONE, PENDING, APPROVED, DENIED, PROMOTED, got "OK"',
  ],
  [
    'bad resource',
    file({}, { resources: ['web-1'] }),
    'requests[0].resources[0]: expected "kind/name" or "/cluster/kind/name", got "web-1"',
  ],
  [
    'unknown field',
    file({}, { expiry: 'x' }),
    'requests[0].expiry: unknown field; expected one of id, user, roles, resources, state, created, expires, assumeStartTime, maxDuration, requestReason',
  ],
  ['empty id', file({}, { id: '' }), 'requests[0].id: must be a non-empty string, got ""'],
  [
    'role not a string',
    file({}, { roles: ['a', 2] }),
    'requests[0].roles[1]: must be a non-empty string, got 2',
  ],
  [
    'duplicate id',
    JSON.stringify({ now: '2026-01-01T12:00:00Z', requests: [request, request] }),
    'requests[1].id: duplicate id "r1" (also requests[0])',
  ],
  [
    'lock without name',
    file({ locks: [{ target: { accessRequest: 'r1' } }] }),
    'locks[0].name: must be a non-empty string, got nothing',
  ],
  [
    'lock target field',
    file({ locks: [{ name: 'l', target: { request: 'r1' } }] }),
    'locks[0].target.request: unknown field; expected one of ',
  ],
  [
    'usage without end',
    file({ usage: [{ user: 'alice', environment: 'prod', start: '2026-01-01T10:00:00Z' }] }),
    'usage[0].end: required, an RFC 3339 time',
  ],
  [
    'usage ending before it starts',
    file({
      usage: [
        {
          user: 'alice',
          environment: 'prod',
          start: '2026-01-01T10:00:00Z',
          end: '2026-01-01T09:00:00Z',
        },
      ],
    }),
    'usage[0].end: before its start 2026-01-01T10:00:00.000Z',
  ],
  [
    'usage unknown field',
    file({ usage: [{ user: 'alice', env: 'prod' }] }),
    'usage[0].env: unknown field; expected one of user, environment, start, end, requestId, grantedAt',
  ],
];

void describe('parseSnapshot', () => {
  void it('reads requests, resources in both forms, locks and previous watcher locks', () => {
    const text = JSON.stringify({
      now: '2026-01-01T12:00:00Z',
      clusterName: 'main',
      requests: [
        { ...request, resources: ['node/web-1', '/leaf/kube_cluster/k8s/ns/pod'], expires: null },
      ],
      locks: [
        {
          name: 'jit-watcher-r1',
          target: { accessRequest: 'r1' },
          expires: '2026-01-01T13:00:00+01:00',
        },
      ],
      previousWatcherLocks: ['r1'],
    });
    const result = parseSnapshot(text);
    assert.ok(result.ok, result.ok ? '' : result.error);
    const s = result.snapshot;
    assert.equal(s.now.toISOString(), '2026-01-01T12:00:00.000Z');
    assert.deepEqual(s.requests[0]?.resources, [
      { clusterName: 'main', kind: 'node', name: 'web-1' },
      { clusterName: 'leaf', kind: 'kube_cluster', name: 'k8s', subResourceName: 'ns/pod' },
    ]);
    assert.equal(s.requests[0]?.expires, undefined);
    assert.equal(s.locks[0]?.expires?.toISOString(), '2026-01-01T12:00:00.000Z');
    assert.deepEqual(s.previousWatcherLocks, ['r1']);
  });

  void it('prior use becomes one ledger per user, from the earliest start or usageSince', () => {
    const span = (user: string, start: string, requestId?: string) => ({
      user,
      environment: 'prod',
      start,
      end: '2026-01-01T11:00:00Z',
      ...(requestId ? { requestId } : {}),
    });
    const result = parseSnapshot(
      file({
        usage: [span('bob', '2026-01-01T09:00:00Z'), span('alice', '2026-01-01T08:00:00Z', 'a-1')],
      }),
    );
    assert.ok(result.ok);
    assert.deepEqual(result.snapshot.usage, [
      {
        user: 'alice',
        since: '2026-01-01T08:00:00.000Z',
        spans: [
          {
            requestId: 'a-1',
            environment: 'prod',
            start: '2026-01-01T08:00:00.000Z',
            end: '2026-01-01T11:00:00.000Z',
            grantedAt: '2026-01-01T08:00:00.000Z',
          },
        ],
      },
      {
        user: 'bob',
        since: '2026-01-01T08:00:00.000Z',
        spans: [
          {
            requestId: 'usage-1',
            environment: 'prod',
            start: '2026-01-01T09:00:00.000Z',
            end: '2026-01-01T11:00:00.000Z',
            grantedAt: '2026-01-01T09:00:00.000Z',
          },
        ],
      },
    ]);
    const since = parseSnapshot(file({ usageSince: '2025-12-01T00:00:00Z', usage: [] }));
    assert.ok(since.ok);
    assert.deepEqual(since.snapshot.usage, []);
    assert.equal(since.snapshot.usageSince, '2025-12-01T00:00:00.000Z');
    assert.equal(result.snapshot.usageSince, '2026-01-01T08:00:00.000Z');
  });

  void it('kind/name resources default to cluster ""', () => {
    const result = parseSnapshot(file());
    assert.ok(result.ok);
    assert.deepEqual(result.snapshot.requests[0]?.resources, [
      { clusterName: '', kind: 'node', name: 'web-1' },
    ]);
  });

  for (const [name, text, want] of bad) {
    void it(name, () => {
      const result = parseSnapshot(text);
      assert.equal(result.ok, false);
      if (!result.ok) assert.ok(result.error.startsWith(want), result.error);
    });
  }
});
