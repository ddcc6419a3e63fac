// How the clock offset is estimated from times Teleport stamped: zero while the local clock agrees
// with the evidence, the creation bound when we are behind, and never a time at which something
// Teleport still lists would look expired when we are ahead.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  describeOffset,
  estimateOffset,
  evidenceFromCertificate,
  evidenceFromRequests,
  recentEvidence,
  type OffsetEvidence,
} from '../../../src/app/clockSkew';

const H = 3_600_000;
const local = new Date('2026-12-01T12:00:00Z');
const at = (ms: number) => new Date(local.getTime() + ms);
const ev = (lowerMs?: number, upperMs?: number, atLocalMs = local.getTime()): OffsetEvidence => ({
  atLocalMs,
  lowerMs,
  upperMs,
});

const cases: Array<[string, OffsetEvidence[], number, boolean]> = [
  ['no evidence', [], 0, false],
  ['clocks agree', [ev(-5_000, 11 * H)], 0, false],
  [
    '13 h ahead: listed expiry already past locally',
    [ev(-13 * H - 2_000, -12 * H)],
    -13 * H - 2_000,
    true,
  ],
  [
    'ahead, no creation bound: just under the expiry',
    [ev(undefined, -2 * H)],
    -2 * H - 1_000,
    true,
  ],
  ['behind: a request created in our future', [ev(3 * H, 20 * H)], 3 * H, true],
  ['small drift is corrected but not reported', [ev(2_000, 5 * H)], 2_000, false],
  ['bounds tighten across listings', [ev(-14 * H, -11 * H), ev(-13 * H, -12 * H)], -13 * H, true],
  [
    'contradicting older evidence is ignored',
    [ev(-13 * H, -12 * H, 0), ev(-1_000, H, 10)],
    0,
    false,
  ],
];

for (const [name, evidence, offsetMs, skewed] of cases) {
  test(`estimateOffset: ${name}`, () => {
    const estimate = estimateOffset(evidence);
    assert.equal(estimate.offsetMs, offsetMs);
    assert.equal(estimate.skewed, skewed);
  });
}

test('evidenceFromRequests: creation is a lower bound, resource expiry an upper bound', () => {
  const e = evidenceFromRequests(
    [
      { created: at(-10 * H), resourceExpires: at(2 * H) },
      { created: at(-60_000), resourceExpires: at(30 * 60_000) },
      { created: new Date(0), resourceExpires: undefined },
    ],
    local,
  );
  assert.deepEqual(e, { atLocalMs: local.getTime(), lowerMs: -60_000, upperMs: 30 * 60_000 });
  assert.equal(evidenceFromRequests([], local), undefined);
});

test('evidenceFromCertificate: the validity window bounds Teleport time', () => {
  assert.deepEqual(evidenceFromCertificate({ notBefore: at(-H), notAfter: at(H) }, local), {
    atLocalMs: local.getTime(),
    lowerMs: -H,
    upperMs: H,
  });
});

test('recentEvidence drops what is older than the window', () => {
  const old = ev(0, 1, local.getTime() - 16 * 60_000);
  const fresh = ev(0, 1, local.getTime() - 60_000);
  assert.deepEqual(recentEvidence([old, fresh], local), [fresh]);
});

test('describeOffset names the direction', () => {
  assert.equal(describeOffset(-13 * H), "this machine's clock is 13h 0m ahead of Teleport's");
  assert.equal(describeOffset(5 * 60_000), "this machine's clock is 5m behind Teleport's");
});
