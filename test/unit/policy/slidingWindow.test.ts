// The hours-budget arithmetic, as tables and as properties against a brute force: with integer
// interval ends, a window and a limit, every answer is an integer, so counting covered unit cells
// one by one is an exact oracle for the window sum, its peak, the moment a budget is used up and
// the earliest moment a request fits. Windows are durations: shifting time changes nothing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  covered,
  earliestFit,
  exhaustion,
  fits,
  nextFree,
  peakWindowSum,
  union,
  windowSum,
  type Interval,
} from '../../../src/policy/slidingWindow';

const iv = (start: number, end: number): Interval => ({ start, end });

void describe('sliding window: tables', () => {
  void it('union merges overlapping and touching access, drops empty', () => {
    assert.deepEqual(union([iv(5, 9), iv(0, 3), iv(2, 4), iv(4, 5), iv(7, 7), iv(20, 21)]), [
      iv(0, 9),
      iv(20, 21),
    ]);
  });

  const sums: Array<[string, Interval[], number, number, number]> = [
    ['nothing held', [], 10, 50, 0],
    ['all inside the window', [iv(10, 20)], 50, 30, 10],
    ['cut by the window start', [iv(10, 20)], 5, 25, 0],
    ['partly in the window', [iv(10, 20)], 5, 18, 5],
    ['overlapping access of one user counts once per instant', [iv(0, 10), iv(5, 15)], 100, 20, 15],
    ['held now counts up to now', [iv(0, 100)], 100, 40, 40],
    ['the window ends at t, excluded', [iv(40, 50)], 10, 40, 0],
  ];
  for (const [name, spans, per, t, want] of sums) {
    void it(`window sum: ${name}`, () => assert.equal(windowSum(union(spans), per, t), want));
  }

  void it('peak: the maximum over t >= from, at a breakpoint', () => {
    const u = union([iv(0, 6), iv(10, 14)]);
    // window 8: at t=14 holds [6,14): 4 (10..14) + 0 = 4; at t=6: 6; at t=8: [0,8) -> 6.
    assert.equal(peakWindowSum(u, 8, 0), 6);
    assert.equal(peakWindowSum(u, 8, 9), 6 - 1); // t=9: [1,9) -> 5
    assert.equal(peakWindowSum(u, 20, 0), 10);
    assert.equal(peakWindowSum(union([iv(0, Infinity)]), 20, 0), 20);
  });

  const exhaustions: Array<[string, Interval[], number, number, number, number | undefined]> = [
    ['held until the limit is reached', [iv(0, 100)], 50, 8, 0, 8],
    ['earlier use in the window brings it forward', [iv(0, 5), iv(10, 100)], 50, 8, 0, 13],
    ['access that ends at the limit is not over', [iv(0, 8)], 50, 8, 0, undefined],
    [
      'old use leaving as fast as new use enters: at the limit, never over',
      [iv(0, 8), iv(50, 58)],
      50,
      8,
      0,
      undefined,
    ],
    ['already over and still held: now', [iv(0, 100)], 50, 8, 30, 30],
    ['over but nothing held any more: none', [iv(0, 20)], 50, 8, 30, undefined],
    ['a later access uses it up when it starts', [iv(0, 8), iv(20, 30)], 50, 8, 0, 20],
  ];
  for (const [name, spans, per, limit, from, want] of exhaustions) {
    void it(`exhaustion: ${name}`, () =>
      assert.equal(exhaustion(union(spans), per, limit, from), want));
  }

  const fitsRows: Array<[string, Interval[], number, number, number, number, number | undefined]> =
    [
      ['empty ledger: now', [], 50, 8, 4, 0, 0],
      ['more than the budget: never', [], 50, 8, 9, 0, undefined],
      ['the last 2h of 8h: fits now', [iv(-20, -14)], 50, 8, 2, 0, 0],
      // Half hours: 7.5h of 8h used at [-88, -73) in a window of 100, leaving during [12, 27);
      // 2h asked fits once the sum at its end stays at 8h: 27 - t0 <= 16, so from 11.
      ['7.5 of 8 used: when enough leaves', [iv(-88, -73)], 100, 16, 4, 0, 11],
      ['overlapping what is held adds only the rest', [iv(4, 9)], 9, 8, 7, 0, 1],
      ['during a cooldown-like gap the budget alone decides', [iv(-10, -2)], 10, 8, 2, 0, 0],
    ];
  for (const [name, spans, per, limit, d, now, want] of fitsRows) {
    void it(`earliest fit: ${name}`, () =>
      assert.equal(earliestFit(union(spans), per, limit, d, now), want));
  }

  void it('next free: when use starts leaving the window', () => {
    assert.equal(nextFree(union([iv(0, 10)]), 50, 20), 50);
    // [0,10) leaves during [50,60) while [45,60) is held: flat; [45,60) leaves from 95.
    assert.equal(nextFree(union([iv(0, 10), iv(45, 60)]), 50, 20), 95);
    assert.equal(nextFree(union([]), 50, 20), undefined);
  });

  void it('daylight saving is irrelevant: a 7d window is 168 hours, across a DST change', () => {
    const H = 3_600_000;
    // Europe/Berlin moves its clocks on 2026-03-29; the window counts hours, not wall clocks.
    const now = Date.parse('2026-03-29T10:30:00Z');
    const u = union([iv(Date.parse('2026-03-22T10:00:00Z'), Date.parse('2026-03-22T12:00:00Z'))]);
    assert.equal(windowSum(u, 168 * H, now), 1.5 * H);
    assert.equal(nextFree(u, 168 * H, now), now);
  });
});

// Integer data: interval ends in [0, 120), windows 1..40, limits 0..50, durations 1..30.
const intervals = fc.array(
  fc.tuple(fc.integer({ min: 0, max: 119 }), fc.integer({ min: 1, max: 30 })).map(([s, len]) => ({
    start: s,
    end: s + len,
  })),
  { maxLength: 6 },
);
const per = fc.integer({ min: 1, max: 40 });
const limit = fc.integer({ min: 0, max: 50 });

function bruteSum(spans: Interval[], p: number, t: number): number {
  let n = 0;
  for (let k = t - p; k < t; k++) if (covered(spans, k)) n++;
  return n;
}
const HORIZON = 260;

void describe('sliding window: properties against counting unit cells', () => {
  void it('the window sum counts each covered instant once', () =>
    fc.assert(
      fc.property(intervals, per, fc.integer({ min: -10, max: 200 }), (spans, p, t) => {
        assert.equal(windowSum(union(spans), p, t), bruteSum(spans, p, t));
      }),
    ));

  void it('the peak is the largest sum at any t >= from', () =>
    fc.assert(
      fc.property(intervals, per, fc.integer({ min: 0, max: 150 }), (spans, p, from) => {
        let want = 0;
        for (let t = from; t < HORIZON; t++) want = Math.max(want, bruteSum(spans, p, t));
        assert.equal(peakWindowSum(union(spans), p, from), want);
      }),
    ));

  void it('exhaustion is the first held instant over the limit, or at it and rising', () =>
    fc.assert(
      fc.property(intervals, per, limit, fc.integer({ min: 0, max: 150 }), (spans, p, l, from) => {
        let want: number | undefined;
        for (let t = from; t < HORIZON && want === undefined; t++) {
          const w = bruteSum(spans, p, t);
          if (covered(spans, t) && (w > l || (w >= l && bruteSum(spans, p, t + 1) > w))) want = t;
        }
        assert.equal(exhaustion(union(spans), p, l, from), want);
      }),
    ));

  void it('earliest fit: it fits there, and no earlier whole instant fits', () =>
    fc.assert(
      fc.property(
        intervals,
        per,
        limit,
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 0, max: 120 }),
        (spans, p, l, d, now) => {
          const u = union(spans);
          const got = earliestFit(u, p, l, d, now);
          let want: number | undefined;
          for (let t0 = now; t0 < HORIZON && want === undefined; t0++) {
            let peak = 0;
            const all = [...spans, iv(t0, t0 + d)];
            for (let t = Math.max(now, t0); t < HORIZON + d; t++)
              peak = Math.max(peak, bruteSum(all, p, t));
            if (peak <= l) want = t0;
          }
          assert.equal(got, want);
          if (got !== undefined) assert.ok(fits(u, p, l, iv(got, got + d), now));
        },
      ),
      { numRuns: 300 },
    ));

  void it('windows are durations: shifting every time shifts every answer', () =>
    fc.assert(
      fc.property(
        intervals,
        per,
        limit,
        fc.integer({ min: -1e12, max: 1e12 }),
        (spans, p, l, shift) => {
          const u = union(spans);
          const moved = union(spans.map((s) => iv(s.start + shift, s.end + shift)));
          const plus = (x: number | undefined) => (x === undefined ? x : x + shift);
          assert.equal(exhaustion(moved, p, l, shift), plus(exhaustion(u, p, l, 0)));
          assert.equal(earliestFit(moved, p, l, 5, shift), plus(earliestFit(u, p, l, 5, 0)));
          assert.equal(peakWindowSum(moved, p, shift), peakWindowSum(u, p, 0));
        },
      ),
    ));
});
