// The sweep's arithmetic as tables: when a workflow task is full, when a run reads on, moves to
// the users or continues as new, which user comes next, and what each outcome counts as. The
// sweep workflow does exactly what these functions say, so this is its budget and paging logic.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Action } from '../../../src/policy/types';
import { emptyCounts, type OutcomeStatus } from '../../../src/temporal/sweepTypes';
import {
  afterPage,
  afterUsers,
  enqueue,
  freshTask,
  hasRoom,
  roomLeft,
  pageHandled,
  spend,
  spendInputs,
  takeUser,
  userRounds,
  tally,
  type AfterPage,
  type PageDone,
  type TaskBudget,
} from '../../../src/temporal/workflows/sweepPlanner';

describe('afterPage', () => {
  const rows: Array<{ name: string; page: PageDone; want: AfterPage }> = [
    {
      name: 'the last page leads to the users',
      page: { pageInRun: 1, pagesPerRun: 4, continueAsNewSuggested: false },
      want: 'users',
    },
    {
      name: 'the last page leads to the users even when the run is full',
      page: { pageInRun: 4, pagesPerRun: 4, continueAsNewSuggested: true },
      want: 'users',
    },
    {
      name: 'more pages and room in the run: read the next',
      page: { pageInRun: 1, nextKey: 'k', pagesPerRun: 4, continueAsNewSuggested: false },
      want: 'next page',
    },
    {
      name: 'the run has handled pagesPerRun pages: continue as new',
      page: { pageInRun: 4, nextKey: 'k', pagesPerRun: 4, continueAsNewSuggested: false },
      want: 'continue as new',
    },
    {
      name: 'Temporal suggests a new run before pagesPerRun',
      page: { pageInRun: 2, nextKey: 'k', pagesPerRun: 4, continueAsNewSuggested: true },
      want: 'continue as new',
    },
    {
      name: 'one page a run',
      page: { pageInRun: 1, nextKey: 'k', pagesPerRun: 1, continueAsNewSuggested: false },
      want: 'continue as new',
    },
  ];
  for (const row of rows) it(row.name, () => assert.equal(afterPage(row.page), row.want));
});

describe('afterUsers', () => {
  it('users left wait for a new run', () => assert.equal(afterUsers(['a']), 'continue as new'));
  it('an empty queue ends the sweep', () => assert.equal(afterUsers([]), 'done'));
});

describe('task budget', () => {
  const spent = (n: number, limit: number): TaskBudget => {
    let budget = freshTask({ resultsPerTask: limit });
    for (let i = 0; i < n; i++) budget = spend(budget);
    return budget;
  };
  const rows: Array<{ used: number; limit: number; room: boolean; left: number }> = [
    { used: 0, limit: 3, room: true, left: 3 },
    { used: 2, limit: 3, room: true, left: 1 },
    { used: 3, limit: 3, room: false, left: 0 },
    // Actions already under way may take a budget past its limit; it stays full.
    { used: 5, limit: 3, room: false, left: 0 },
    { used: 0, limit: 0, room: false, left: 0 },
  ];
  for (const { used, limit, room, left } of rows) {
    it(`${used} of ${limit} scheduled: ${room ? 'room' : 'full'}, ${left} left`, () => {
      const budget = spent(used, limit);
      assert.deepEqual(budget, { used, limit });
      assert.equal(hasRoom(budget), room);
      assert.equal(roomLeft(budget), left);
    });
  }
  it('spending leaves the budget it was given unchanged', () => {
    const budget = freshTask({ resultsPerTask: 2 });
    spend(budget);
    assert.deepEqual(budget, { used: 0, limit: 2 });
  });
  it('recorded inputs count one more result per whole KiB; none (older workers) count nothing', () => {
    const budget = freshTask({ resultsPerTask: 10 });
    assert.equal(spendInputs(budget, 0), budget);
    assert.equal(spendInputs(budget, 1023), budget);
    assert.equal(spendInputs(budget, 1024).used, 1);
    assert.equal(spendInputs(budget, 5000).used, 4);
  });
});

describe('user queue', () => {
  const rows: Array<{ name: string; queue: string[]; users: string[]; want: string[] }> = [
    {
      name: 'joins and sorts',
      queue: ['carol'],
      users: ['bob', 'alice'],
      want: ['alice', 'bob', 'carol'],
    },
    {
      name: 'keeps each user once',
      queue: ['alice', 'bob'],
      users: ['bob', 'bob'],
      want: ['alice', 'bob'],
    },
    { name: 'nothing to add', queue: ['bob', 'alice'], users: [], want: ['alice', 'bob'] },
    { name: 'an empty queue', queue: [], users: [], want: [] },
  ];
  for (const row of rows) {
    it(`enqueue ${row.name}`, () => assert.deepEqual(enqueue(row.queue, row.users), row.want));
  }

  const pages: Array<{
    name: string;
    approvedFor: Array<string | undefined>;
    lastPage: boolean;
    want: { userQueue: string[]; touchedUsers: string[] };
  }> = [
    {
      name: 'approvals on a page before the last wait in touchedUsers',
      approvedFor: ['dave', undefined, 'alice'],
      lastPage: false,
      want: { userQueue: ['carol'], touchedUsers: ['alice', 'bob', 'dave'] },
    },
    {
      name: 'after the last page everyone touched is queued',
      approvedFor: ['dave', undefined],
      lastPage: true,
      want: { userQueue: ['bob', 'carol', 'dave'], touchedUsers: ['bob', 'dave'] },
    },
    {
      name: 'a last page with no approvals still queues earlier pages’ users',
      approvedFor: [undefined],
      lastPage: true,
      want: { userQueue: ['bob', 'carol'], touchedUsers: ['bob'] },
    },
  ];
  for (const row of pages) {
    it(`pageHandled: ${row.name}`, () => {
      const queues = { userQueue: ['carol'], touchedUsers: ['bob'] };
      assert.deepEqual(pageHandled(queues, row.approvedFor, row.lastPage), row.want);
      assert.deepEqual(queues, { userQueue: ['carol'], touchedUsers: ['bob'] });
    });
  }

  const takes: Array<{
    name: string;
    queue: string[];
    used: number;
    want: ReturnType<typeof takeUser>;
  }> = [
    {
      name: 'the first user',
      queue: ['alice', 'bob'],
      used: 0,
      want: { user: 'alice', userQueue: ['bob'] },
    },
    { name: 'the last user', queue: ['bob'], used: 2, want: { user: 'bob', userQueue: [] } },
    { name: 'none from an empty queue', queue: [], used: 0, want: undefined },
    { name: 'none once the task is full', queue: ['alice'], used: 3, want: undefined },
  ];
  for (const row of takes) {
    it(`takeUser: ${row.name}`, () => {
      const budget = { used: row.used, limit: 3 };
      assert.deepEqual(takeUser(row.queue, budget), row.want);
    });
  }

  it('lanes sharing a queue and a budget evaluate each user once, up to the limit', () => {
    // As usersBatch runs: each lane takes a user, then spends one local activity on them.
    let queue = ['a', 'b', 'c', 'd', 'e'];
    let budget = freshTask({ resultsPerTask: 3 });
    const evaluated: string[] = [];
    for (let round = 0; round < 10; round++) {
      const next = takeUser(queue, budget);
      if (!next) break;
      queue = next.userQueue;
      budget = spend(budget);
      evaluated.push(next.user);
    }
    assert.deepEqual(evaluated, ['a', 'b', 'c']);
    assert.deepEqual(queue, ['d', 'e']);
    assert.equal(afterUsers(queue), 'continue as new');
  });
});

describe('tally', () => {
  const rows: Array<{
    action: Action;
    status: OutcomeStatus;
    requestState?: 'PENDING' | 'APPROVED';
    counted: string | undefined;
  }> = [
    { action: 'approve', status: 'applied', counted: 'approved' },
    { action: 'deny', status: 'applied', counted: 'denied' },
    { action: 'lock', status: 'applied', counted: 'locked' },
    { action: 'approve', status: 'dry-run', counted: 'approved' },
    { action: 'lock', status: 'dry-run', counted: 'locked' },
    { action: 'approve', status: 'skipped', counted: 'skipped' },
    { action: 'lock', status: 'failed', counted: 'failed' },
    { action: 'none', status: 'failed', counted: 'failed' },
    { action: 'none', status: 'none', counted: undefined },
    { action: 'approve', status: 'none', counted: undefined },
    { action: 'approve', status: 'applied', requestState: 'PENDING', counted: undefined },
    { action: 'approve', status: 'applied', requestState: 'APPROVED', counted: 'approved' },
    { action: 'escalate', status: 'escalated', counted: 'escalated' },
  ];
  for (const { action, status, requestState, counted } of rows) {
    it(`${action} ${status}${requestState ? ` (${requestState})` : ''} counts as ${counted ?? 'nothing'}`, () => {
      const before = emptyCounts();
      const after = tally(before, action, { status, ...(requestState ? { requestState } : {}) });
      const want = counted ? { ...emptyCounts(), [counted]: 1 } : emptyCounts();
      assert.deepEqual(after, want);
      assert.deepEqual(before, emptyCounts());
    });
  }
  it('counts an escalation in counts carried by a run from before escalations', () => {
    const { escalated: _, ...older } = emptyCounts();
    assert.equal(tally(older, 'escalate', { status: 'escalated' }).escalated, 1);
  });
});

describe('userRounds', () => {
  const rows: Array<{ users: string[]; rounds: number[][] }> = [
    { users: [], rounds: [] },
    { users: ['ann', 'bob'], rounds: [[0, 1]] },
    { users: ['ann', 'ann', 'bob', 'ann'], rounds: [[0, 2], [1], [3]] },
    {
      users: ['bob', 'ann', 'ann', 'bob'],
      rounds: [
        [0, 1],
        [2, 3],
      ],
    },
  ];
  for (const { users, rounds } of rows) {
    it(`${users.join(',') || 'nothing'}: ${JSON.stringify(rounds)}`, () => {
      assert.deepEqual(userRounds(users), rounds);
    });
  }
  it('puts every position in exactly one round, at most one per user a round', () => {
    const users = ['a', 'b', 'a', 'c', 'b', 'a'];
    const rounds = userRounds(users);
    assert.deepEqual(
      rounds.flat().sort(),
      users.map((_, i) => i),
    );
    for (const round of rounds)
      assert.equal(new Set(round.map((i) => users[i])).size, round.length);
  });
});
