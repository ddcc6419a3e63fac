// The sim CLI's duration flag and tables.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatLocks, formatRequests, parseDuration } from '../../../testkit/sim/cliFormat';

describe('parseDuration', () => {
  const cases: Array<[string, number | undefined]> = [
    ['90s', 90_000],
    ['30m', 1_800_000],
    ['1h', 3_600_000],
    ['1h30m', 5_400_000],
    ['2d', 172_800_000],
    ['250ms', 250],
    ['', undefined],
    ['1x', undefined],
    ['h', undefined],
    ['1h ', undefined],
  ];
  for (const [text, expect] of cases) {
    test(JSON.stringify(text), () => assert.equal(parseDuration(text), expect));
  }
});

describe('tables', () => {
  test('requests: one row each, columns aligned', () => {
    const text = formatRequests([
      {
        id: 'r1',
        user: 'alice',
        state: 'PENDING',
        roles: ['access'],
        resources: [{ clusterName: 'sim.example.com', kind: 'node', name: 'web-1' }],
        created: new Date(0),
        reviews: [],
        expires: new Date(0),
      },
    ]);
    assert.deepEqual(text.split('\n'), [
      'ID  USER   STATE    ROLES   RESOURCES   ACCESS EXPIRES',
      'r1  alice  PENDING  access  node/web-1  1970-01-01T00:00:00.000Z',
    ]);
  });

  test('empty lists say so', () => {
    assert.equal(formatRequests([]), 'no access requests');
    assert.equal(formatLocks([]), 'no locks');
  });
});
