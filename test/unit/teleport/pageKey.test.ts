// The page token both ends of ListAccessRequests share: opaque text that carries a CREATED sort
// key whose order as text is the order of creation.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createdSortKey, decodePageKey, encodePageKey } from '../../../src/teleport/pageKey';

test('a token gives back its key', () => {
  const key = createdSortKey(new Date('2026-01-01T10:00:00Z'), 'r1');
  assert.equal(decodePageKey(encodePageKey(key)), key);
});

test('a token that is not ours decodes to nothing', () => {
  assert.equal(decodePageKey('2026-01-01T10:00:00.000Z/r1'), undefined);
  assert.equal(decodePageKey(''), undefined);
});

test('created keys sort by time, then id, as text', () => {
  const early = createdSortKey(new Date(999), 'b');
  const later = createdSortKey(new Date(1000), 'a');
  const tie = createdSortKey(new Date(1000), 'b');
  assert.deepEqual([tie, later, early].sort(), [early, later, tie]);
});
