// The ledger shard's merge: idempotent and order-free, an early end never moved later, spans past
// retention dropped; and the shard's payload checks.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { UsageSpan } from '../../../src/policy/usage';
import {
  bookSize,
  mergeWrite,
  readUsers,
  type UsageWrite,
} from '../../../src/temporal/workflows/ledgerBook';
import { checkUsageWrite } from '../../../src/temporal/workflows/ledgerMessages';
import { LEDGER_SHARDS, ledgerShard } from '../../../src/temporal/names';

const NOW = '2026-12-06T12:00:00.000Z';
const WEEK = 7 * 24 * 3_600_000;

function span(requestId: string, start: string, end: string, grantedAt = start): UsageSpan {
  return { requestId, environment: 'prod', start, end, grantedAt };
}

function write(user: string, spans: UsageSpan[], now = NOW): UsageWrite {
  return { usage: [{ user, since: '2026-12-01T00:00:00.000Z', spans }], retainMs: WEEK, now };
}

describe('ledger book', () => {
  const planned = span('r1', '2026-12-06T08:00:00.000Z', '2026-12-06T16:00:00.000Z');
  const ended = span('r1', '2026-12-06T08:00:00.000Z', NOW);
  const other = span('r2', '2026-12-05T08:00:00.000Z', '2026-12-05T09:00:00.000Z');

  test('a write is read back; writing it again changes nothing', () => {
    const once = mergeWrite({}, write('alice', [planned, other]));
    assert.deepEqual(mergeWrite(once, write('alice', [planned, other])), once);
    assert.deepEqual(readUsers(once, ['alice', 'bob']), [
      { user: 'alice', since: '2026-12-01T00:00:00.000Z', spans: [other, planned] },
    ]);
  });

  test('order does not matter, and an early end stays', () => {
    const a = mergeWrite(mergeWrite({}, write('alice', [planned])), write('alice', [ended]));
    const b = mergeWrite(mergeWrite({}, write('alice', [ended])), write('alice', [planned]));
    assert.deepEqual(a, b);
    assert.equal(readUsers(a, ['alice'])[0]?.spans[0]?.end, NOW);
  });

  test('a write that leaves a span out keeps it: only retention drops spans', () => {
    const book = mergeWrite(mergeWrite({}, write('alice', [planned, other])), write('alice', []));
    assert.equal(readUsers(book, ['alice'])[0]?.spans.length, 2);
    const later = mergeWrite(book, write('bob', [], '2026-12-13T00:00:00.000Z'));
    assert.deepEqual(
      readUsers(later, ['alice'])[0]?.spans,
      [planned],
      'r2 ended over a week before',
    );
    const gone = mergeWrite(later, write('bob', [], '2026-12-20T00:00:00.000Z'));
    assert.deepEqual(gone, {}, 'a user with nothing left is dropped');
  });

  test('the earliest since wins; sizes count users, spans and bytes', () => {
    const book = mergeWrite(mergeWrite({}, write('alice', [planned])), {
      ...write('alice', []),
      usage: [{ user: 'alice', since: '2026-11-01T00:00:00.000Z', spans: [] }],
    });
    assert.equal(readUsers(book, ['alice'])[0]?.since, '2026-11-01T00:00:00.000Z');
    const size = bookSize(book);
    assert.equal(size.users, 1);
    assert.equal(size.spans, 1);
    assert.equal(size.bytes, JSON.stringify(book).length);
  });

  test('compact: a week of use is far smaller than its spans as JSON', () => {
    const week = Array.from({ length: 7 }, (_, d) =>
      span(
        `0192f0c1-7a3b-7c4d-8e5f-${String(d).padStart(12, '0')}`,
        `2026-12-0${d + 1}T08:00:00.000Z`,
        `2026-12-0${d + 1}T09:00:00.000Z`,
      ),
    );
    const book = mergeWrite({}, write('alice', week, '2026-12-08T00:00:00.000Z'));
    assert.deepEqual(readUsers(book, ['alice'])[0]?.spans, week, 'read back exactly');
    const bytes = bookSize(book).bytes;
    assert.ok(bytes * 2 < JSON.stringify(week).length, `${bytes} bytes`);
  });

  test('shards: stable, within range, spread', () => {
    const users = Array.from({ length: 1_000 }, (_, i) => `user-${i}`);
    const counts = new Array<number>(LEDGER_SHARDS).fill(0);
    for (const u of users) counts[ledgerShard(u)]! += 1;
    assert.equal(ledgerShard('alice'), ledgerShard('alice'));
    assert.ok(
      counts.every((n) => n > 0),
      `every shard used: ${counts.join(',')}`,
    );
  });

  test('bad writes get one line naming the field', () => {
    assert.equal(checkUsageWrite(write('alice', [planned])), undefined);
    const cases: [unknown, RegExp][] = [
      [null, /takes \{usage, retainMs, now\}/],
      [{ usage: 'x', retainMs: 1, now: NOW }, /usage must be a list/],
      [{ usage: [], retainMs: -1, now: NOW }, /retainMs/],
      [{ usage: [], retainMs: 1, now: 'yesterday' }, /now must be an RFC 3339 time/],
      [{ usage: [{ user: 'a' }], retainMs: 1, now: NOW }, /user, since and spans/],
      [
        { usage: [{ user: 'a', since: NOW, spans: [{ requestId: 'r' }] }], retainMs: 1, now: NOW },
        /a span of a lacks/,
      ],
    ];
    for (const [input, problem] of cases) assert.match(checkUsageWrite(input) ?? '', problem);
  });
});
