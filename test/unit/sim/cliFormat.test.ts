// The sim CLI's tables.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatLocks, formatRequests } from '../../../testkit/sim/cliFormat';

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
