// Filters, ordering and paging of ListAccessRequests in the simulated cluster.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ManualClock, SimError, SimStore } from '../../../testkit/sim';
import { pageOf, type PageParams, type RequestQuery } from '../../../testkit/sim/requestQuery';

function setup() {
  const clock = new ManualClock();
  const store = new SimStore({ now: clock.now });
  const rows: Array<[id: string, user: string, state: 'PENDING' | 'APPROVED' | 'DENIED']> = [
    ['e', 'carol', 'PENDING'],
    ['b', 'alice', 'APPROVED'],
    ['d', 'bob', 'PENDING'],
    ['a', 'bob', 'DENIED'],
    ['c', 'alice', 'PENDING'],
  ];
  for (const [id, user, state] of rows) {
    store.createRequest({ id, user, roles: ['r'], state, reason: `reason ${id}` });
    clock.advance(1000);
  }
  return store;
}

/** All ids over every page, following NextKey. */
function allPages(store: SimStore, params: PageParams): string[][] {
  const pages: string[][] = [];
  let startKey: string | undefined;
  do {
    const { page, nextKey } = pageOf(store.listRequests(), { ...params, startKey });
    pages.push(page.map((r) => r.id));
    startKey = nextKey || undefined;
  } while (startKey);
  return pages;
}

describe('paging', () => {
  const cases: Array<{ params: PageParams; expect: string[][] }> = [
    { params: {}, expect: [['a', 'b', 'c', 'd', 'e']] },
    { params: { limit: 2 }, expect: [['a', 'b'], ['c', 'd'], ['e']] },
    { params: { limit: 2, descending: true }, expect: [['e', 'd'], ['c', 'b'], ['a']] },
    {
      params: { sort: 'CREATED', limit: 3 },
      expect: [
        ['e', 'b', 'd'],
        ['a', 'c'],
      ],
    },
    { params: { sort: 'USER' }, expect: [['b', 'c', 'a', 'd', 'e']] },
    { params: { sort: 'STATE', limit: 4 }, expect: [['b', 'a', 'c', 'd'], ['e']] },
  ];
  for (const c of cases) {
    test(JSON.stringify(c.params), () => {
      assert.deepEqual(allPages(setup(), c.params), c.expect);
    });
  }

  test('a start key that is not ours is BadParameter', () => {
    assert.throws(
      () => pageOf(setup().listRequests(), { startKey: 'garbage' }),
      (err: SimError) => err.kind === 'BadParameter',
    );
  });

  // lib/services/local/dynamic_access.go ListAccessRequests: above 16,000 is refused, not clamped.
  test('a page size above 16000 is BadParameter; 16000 is accepted', () => {
    assert.throws(
      () => pageOf(setup().listRequests(), { limit: 16_001 }),
      (err: SimError) =>
        err.kind === 'BadParameter' && err.message === 'page size of 16001 is too large',
    );
    assert.equal(pageOf(setup().listRequests(), { limit: 16_000 }).page.length, 5);
  });
});

describe('filters', () => {
  const cases: Array<{ query: RequestQuery; expect: string[] }> = [
    { query: {}, expect: ['e', 'b', 'd', 'a', 'c'] },
    { query: { state: 'PENDING' }, expect: ['e', 'd', 'c'] },
    { query: { state: 'NONE' }, expect: ['e', 'b', 'd', 'a', 'c'] },
    { query: { user: 'alice' }, expect: ['b', 'c'] },
    { query: { id: 'd' }, expect: ['d'] },
    { query: { user: 'bob', state: 'DENIED' }, expect: ['a'] },
    { query: { searchKeywords: ['REASON C'] }, expect: ['c'] },
    { query: { scope: 'MY_REQUESTS', requester: 'bob' }, expect: ['d', 'a'] },
    { query: { scope: 'NEEDS_REVIEW', requester: 'bob' }, expect: ['e', 'c'] },
  ];
  for (const c of cases) {
    test(JSON.stringify(c.query), () => {
      assert.deepEqual(
        setup()
          .listRequests(c.query)
          .map((r) => r.id),
        c.expect,
      );
    });
  }
});
