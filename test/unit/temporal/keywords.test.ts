// indexChunks: a run's decisions split into chunks whose user and request lists each fit one
// search attribute value (the server refuses a value over 2 KiB), losing none, keeping a user's
// decisions together, and leaving out only a value too long for any attribute.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DEFAULT_VALUE_LIMIT,
  indexChunks,
  MAX_VALUE_BYTES,
  type IndexEntry,
} from '../../../src/temporal/workflows/keywords';

const uuid = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
const bytes = (list: string[]) => Buffer.byteLength(JSON.stringify(list));

function entries(requests: number, users: number): IndexEntry[] {
  return Array.from({ length: requests }, (_, i) => ({
    user: `user-${i % users}`,
    requestId: uuid(i),
    action: i % 3 === 0 ? 'lock' : 'approve',
    dryRun: false,
  }));
}

describe('indexChunks', () => {
  it('keeps a small run in one chunk', () => {
    const chunks = indexChunks(entries(10, 3));
    assert.equal(chunks.length, 1);
    assert.deepEqual(chunks[0]?.users, ['user-0', 'user-1', 'user-2']);
    assert.deepEqual(chunks[0]?.actions, ['approve', 'lock']);
  });

  it('splits 2,000 decisions into chunks within the cap and loses none', () => {
    const all = entries(2_000, 400);
    const chunks = indexChunks(all);
    assert.ok(chunks.length >= 2_000 / 46, `${chunks.length} chunks`);
    for (const c of chunks) {
      assert.ok(bytes(c.requestIds) <= MAX_VALUE_BYTES, `${bytes(c.requestIds)} bytes`);
      assert.ok(bytes(c.users) <= MAX_VALUE_BYTES);
    }
    const ids = new Set(chunks.flatMap((c) => c.requestIds));
    const users = new Set(chunks.flatMap((c) => c.users));
    assert.equal(ids.size, 2_000);
    assert.equal(users.size, 400);
  });

  it('fills chunks to a raised cap, less the room for encoding, and loses none', () => {
    const cap = 12_288;
    const chunks = indexChunks(entries(2_000, 400), cap);
    // 2,000 ids of 39 bytes: 7 lists of up to 12,040 bytes.
    assert.ok(chunks.length <= 7, `${chunks.length} chunks`);
    for (const c of chunks) {
      assert.ok(bytes(c.requestIds) <= cap - (DEFAULT_VALUE_LIMIT - MAX_VALUE_BYTES));
      assert.ok(bytes(c.users) <= cap - (DEFAULT_VALUE_LIMIT - MAX_VALUE_BYTES));
    }
    assert.equal(new Set(chunks.flatMap((c) => c.requestIds)).size, 2_000);
  });

  it('takes a cap below the default as the default', () => {
    assert.deepEqual(indexChunks(entries(300, 30), 0), indexChunks(entries(300, 30)));
  });

  it('keeps a user’s decisions in as few chunks as their size allows', () => {
    const chunks = indexChunks(entries(300, 3));
    const holding = (u: string) => chunks.filter((c) => c.users.includes(u)).length;
    // 100 requests of one user need 3 chunks of ~45 ids; never all of the run's chunks.
    assert.ok(holding('user-0') <= 3, `user-0 in ${holding('user-0')} chunks`);
  });

  it('marks chunks holding a dry-run decision', () => {
    const chunks = indexChunks([{ user: 'a', requestId: 'r', action: 'approve', dryRun: true }]);
    assert.equal(chunks[0]?.dryRun, true);
  });

  it('leaves out a value no attribute could hold, and keeps the rest of its decision', () => {
    const long = 'x'.repeat(MAX_VALUE_BYTES);
    const chunks = indexChunks([{ user: long, requestId: 'r1', action: 'deny', dryRun: false }]);
    assert.deepEqual(chunks, [{ users: [], requestIds: ['r1'], actions: ['deny'], dryRun: false }]);
  });

  it('makes no chunk of nothing', () => {
    assert.deepEqual(indexChunks([]), []);
  });
});
