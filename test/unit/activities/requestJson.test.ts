// Access requests through Temporal payloads: every time, optional ones included, comes back as
// the same Date, and an unset one stays absent (a payload never carries undefined keys).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AccessRequest } from '../../../src/domain/accessRequest';
import { requestFromJson, requestToJson } from '../../../src/temporal/requestJson';

const base: AccessRequest = {
  id: 'r1',
  user: 'alice',
  roles: ['access'],
  resources: [],
  state: 'APPROVED',
  created: new Date('2026-01-01T10:00:00.123Z'),
  reviews: [{ author: 'bot', proposedState: 'APPROVED', reason: 'ok' }],
};

test('round trip with every optional time', () => {
  const full: AccessRequest = {
    ...base,
    expires: new Date('2026-01-01T20:00:00Z'),
    resourceExpires: new Date('2026-01-01T20:00:00Z'),
    assumeStartTime: new Date('2026-01-01T13:00:00Z'),
    maxDuration: new Date('2026-01-01T15:00:00Z'),
  };
  const json = JSON.parse(JSON.stringify(requestToJson(full))) as ReturnType<typeof requestToJson>;
  assert.equal(json.assumeStartTime, '2026-01-01T13:00:00.000Z');
  assert.deepEqual(requestFromJson(json), full);
});

test('unset times stay absent', () => {
  const json = requestToJson(base);
  assert.deepEqual(Object.keys(json).sort(), [
    'created',
    'id',
    'resources',
    'reviews',
    'roles',
    'state',
    'user',
  ]);
  assert.deepEqual(requestFromJson(json), base);
});
