// The deadlines a sweep collects and the watcher keeps: one per user (their earliest, the newest
// evaluation's replacing the kept one), earliest first, bounded, with `cut` telling that some were
// dropped; and which are due at a given Teleport time.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Deadline } from '../../../src/policy/deadlines';
import { keepEarliest, takeDue } from '../../../src/temporal/workflows/deadlineList';

const at = (minute: number) => new Date(Date.UTC(2026, 11, 6, 10, minute)).toISOString();
const deadline = (user: string, minute: number, requestId = `${user}-r`): Deadline => ({
  at: at(minute),
  user,
  requestId,
  kind: 'starts',
  what: `evaluate ${user}: access of ${requestId} starts`,
});
const users = (list: { deadlines: Deadline[] }) =>
  list.deadlines.map((d) => `${d.user}@${d.at.slice(11, 16)}`);

describe('keepEarliest', () => {
  it('keeps one per user, earliest first, ties by user', () => {
    const kept = keepEarliest([], [deadline('bob', 5), deadline('amy', 5), deadline('cat', 1)]);
    assert.deepEqual(users(kept), ['cat@10:01', 'amy@10:05', 'bob@10:05']);
    assert.equal(kept.cut, false);
  });

  it("replaces a user's kept deadline with the one found now, even a later one", () => {
    const kept = keepEarliest([deadline('amy', 1), deadline('bob', 2)], [deadline('amy', 9)]);
    assert.deepEqual(users(kept), ['bob@10:02', 'amy@10:09']);
  });

  it('keeps the earliest of one user found twice', () => {
    const kept = keepEarliest([], [deadline('amy', 9, 'a'), deadline('amy', 3, 'b')]);
    assert.deepEqual(
      kept.deadlines.map((d) => d.requestId),
      ['b'],
    );
  });

  it('keeps at most the limit and says so', () => {
    const found = ['a', 'b', 'c', 'd'].map((u, i) => deadline(u, 10 - i));
    const kept = keepEarliest([], found, 2);
    assert.deepEqual(users(kept), ['d@10:07', 'c@10:08']);
    assert.equal(kept.cut, true);
    assert.equal(keepEarliest([], found.slice(0, 2), 2).cut, false);
  });
});

describe('takeDue', () => {
  it('takes what is due by the time given, the deadline itself included', () => {
    const list = [deadline('amy', 1), deadline('bob', 2), deadline('cat', 3)];
    const { due, rest } = takeDue(list, Date.parse(at(2)));
    assert.deepEqual(
      due.map((d) => d.user),
      ['amy', 'bob'],
    );
    assert.deepEqual(
      rest.map((d) => d.user),
      ['cat'],
    );
  });
});
