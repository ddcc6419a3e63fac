// Teleport's wire messages to domain objects and back, for the fields whose meaning comes from
// Teleport's code: the resource expiry (AccessRequestV3.Expiry()), access that starts later, the
// maximum duration, and a lock's two expiries (api/types/access_request.go, api/types/lock.go).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { accessEnd } from '../../../src/domain/accessRequest';
import { accessRequestFromWire, lockFromWire, lockToWire } from '../../../src/teleport/convert';
import type { AccessRequestV3__Output as WireAccessRequest } from '../../../src/teleport/generated/types/AccessRequestV3';
import type { LockV2__Output } from '../../../src/teleport/generated/types/LockV2';

const ts = (iso: string) => {
  const ms = Date.parse(iso);
  return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 };
};
const GO_ZERO = { seconds: -62135596800, nanos: 0 };

function wire(spec: Record<string, unknown>, metadataExpires?: string): WireAccessRequest {
  return {
    Metadata: { Name: 'r1', ...(metadataExpires ? { Expires: ts(metadataExpires) } : {}) },
    Spec: { User: 'alice', State: 'APPROVED', Created: ts('2026-01-01T10:00:00Z'), ...spec },
  };
}

describe('access request fields from Teleport', () => {
  const cases: Array<[string, WireAccessRequest, string | undefined]> = [
    [
      'Spec.ResourceExpiry (field 22) wins',
      wire({ ResourceExpiry: ts('2026-01-01T20:00:00Z') }, '2026-01-01T11:00:00Z'),
      '2026-01-01T20:00:00.000Z',
    ],
    [
      'Metadata.Expires for servers without field 22',
      wire({}, '2026-01-01T11:00:00Z'),
      '2026-01-01T11:00:00.000Z',
    ],
    ['neither: unset', wire({ ResourceExpiry: null }), undefined],
  ];
  for (const [name, message, want] of cases) {
    test(`resource expiry: ${name}`, () => {
      assert.equal(accessRequestFromWire(message).resourceExpires?.toISOString(), want);
    });
  }

  test('assume start time and max duration are read; Go zero times are unset', () => {
    const later = accessRequestFromWire(
      wire({
        AssumeStartTime: ts('2026-01-01T13:00:00Z'),
        MaxDuration: ts('2026-01-01T15:00:00Z'),
        Expires: ts('2026-01-01T18:00:00Z'),
      }),
    );
    assert.equal(later.assumeStartTime?.toISOString(), '2026-01-01T13:00:00.000Z');
    assert.equal(later.maxDuration?.toISOString(), '2026-01-01T15:00:00.000Z');
    assert.equal(accessEnd(later)?.toISOString(), '2026-01-01T15:00:00.000Z');

    const plain = accessRequestFromWire(
      wire({ MaxDuration: GO_ZERO, AssumeStartTime: null, Expires: ts('2026-01-01T18:00:00Z') }),
    );
    assert.equal(plain.assumeStartTime, undefined);
    assert.equal(plain.maxDuration, undefined);
    assert.equal(accessEnd(plain)?.toISOString(), '2026-01-01T18:00:00.000Z');
  });
});

describe('locks to Teleport', () => {
  test('the expiry goes in Spec.Expires and Metadata.Expires, so Teleport deletes the lock', () => {
    const expires = new Date('2026-01-01T18:00:00Z');
    const message = lockToWire({ name: 'l', target: { accessRequest: 'r1' }, expires });
    assert.deepEqual(message.Spec?.Expires, ts('2026-01-01T18:00:00Z'));
    assert.deepEqual(message.Metadata?.Expires, ts('2026-01-01T18:00:00Z'));
    // What was sent comes back decoded: the input type's nulls read as unset.
    assert.equal(
      lockFromWire(message as unknown as LockV2__Output).expires?.getTime(),
      expires.getTime(),
    );
  });

  test('a lock without an expiry has neither', () => {
    const message = lockToWire({ name: 'l', target: { user: 'bob' } });
    assert.equal(message.Spec?.Expires, null);
    assert.equal(message.Metadata?.Expires, null);
  });
});
