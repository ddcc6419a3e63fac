// The checks every signal and update input passes before the watcher uses it: each malformed
// payload an operator or a script could send is refused with one line naming the field, and
// good input comes back as it was (free text bounded).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultPolicy } from '../../../src/policy/policy';
import {
  checkPolicy,
  checkRequestsChanged,
  checkWorkerReport,
  describe as show,
} from '../../../src/temporal/workflows/messageChecks';

const at = '2026-12-01T10:00:00.000Z';
const hugeJunk = Array.from({ length: 50_000 }, (_, i) => i);

const badRequestsChanged: [string, unknown, RegExp][] = [
  ['null', null, /expected an object like .*got null/],
  ['nothing', undefined, /got nothing/],
  ['empty object', {}, /requestIds: missing/],
  ['a list', [], /expected an object .* got a list of 0/],
  ['a string', 'abc', /got "abc"/],
  [
    'ids not a list',
    { requestIds: 'r1', cause: 'x' },
    /requestIds: expected a list of request ids/,
  ],
  [
    'id a number',
    { requestIds: ['r1', 7], cause: 'x' },
    /requestIds: \[1\]: expected a non-empty string, got 7/,
  ],
  ['empty id', { requestIds: [''], cause: 'x' }, /requestIds: \[0\]: expected a non-empty string/],
  ['id too long', { requestIds: ['x'.repeat(300)], cause: 'x' }, /longer than 256/],
  [
    'huge list of junk',
    { requestIds: hugeJunk, cause: 'x' },
    /\[0\]: expected a non-empty string, got 0/,
  ],
  [
    'reconcile a string',
    { requestIds: [], cause: 'x', reconcile: 'yes' },
    /reconcile: expected true or false/,
  ],
  ['cause missing', { requestIds: [] }, /cause: missing/],
  [
    'unknown field',
    { requestIds: [], cause: 'x', users: [] },
    /unknown field "users"; valid fields are requestIds, reconcile, cause/,
  ],
];

const badReports: [string, unknown, RegExp][] = [
  ['null', null, /expected an object/],
  ['empty object', {}, /worker: missing/],
  ['no time', { worker: 'w1' }, /at: missing/],
  [
    'time not a time',
    { worker: 'w1', at: 'yesterday' },
    /at: expected an RFC 3339 time, got "yesterday"/,
  ],
  ['worker a number', { worker: 5, at }, /worker: expected a non-empty string, got 5/],
  [
    'bad stream state',
    { worker: 'w1', at, eventStream: 'up' },
    /eventStream: expected one of connected, reconnecting, disabled, off/,
  ],
  [
    'bad interval',
    { worker: 'w1', at, reportIntervalMs: -5 },
    /reportIntervalMs: expected a whole number above 0/,
  ],
  ['unknown field', { worker: 'w1', at, secret: 'x' }, /unknown field "secret"/],
];

describe('checkRequestsChanged', () => {
  for (const [name, input, problem] of badRequestsChanged) {
    it(`refuses ${name}`, () => {
      const checked = checkRequestsChanged(input);
      assert.equal(checked.ok, false);
      if (!checked.ok) {
        assert.match(checked.problem, problem);
        assert.ok(!checked.problem.includes('\n') && checked.problem.length < 200);
      }
    });
  }

  it('accepts a change, and a long list of ids (it becomes a full sweep)', () => {
    const ids = Array.from({ length: 20_000 }, (_, i) => `r${i}`);
    assert.deepEqual(checkRequestsChanged({ requestIds: ['a'], cause: 'event stream' }), {
      ok: true,
      value: { requestIds: ['a'], cause: 'event stream' },
    });
    assert.equal(checkRequestsChanged({ requestIds: ids, cause: 'burst' }).ok, true);
    assert.deepEqual(checkRequestsChanged({ requestIds: [], cause: 'x', reconcile: true }), {
      ok: true,
      value: { requestIds: [], cause: 'x', reconcile: true },
    });
  });

  it('bounds free text instead of refusing it', () => {
    const checked = checkRequestsChanged({ requestIds: [], cause: 'c'.repeat(10_000) });
    assert.ok(checked.ok && checked.value.cause.length === 500);
  });
});

describe('checkWorkerReport', () => {
  for (const [name, input, problem] of badReports) {
    it(`refuses ${name}`, () => {
      const checked = checkWorkerReport(input);
      assert.equal(checked.ok, false);
      if (!checked.ok) assert.match(checked.problem, problem);
    });
  }

  it('accepts a full report and drops null optional fields', () => {
    const report = {
      worker: 'w1@host',
      at,
      identityExpiresAt: at,
      identityProblem: 'expires soon',
      eventStream: 'connected',
      reportIntervalMs: 60_000,
    };
    assert.deepEqual(checkWorkerReport(report), { ok: true, value: report });
    assert.deepEqual(checkWorkerReport({ worker: 'w', at, identityProblem: null }), {
      ok: true,
      value: { worker: 'w', at },
    });
  });
});

describe('checkPolicy', () => {
  it('accepts the default policy and refuses the rest with validatePolicy lines', () => {
    assert.equal(checkPolicy(defaultPolicy()).ok, true);
    const refused = checkPolicy({ ...defaultPolicy(), maxResources: 0, dryRun: 'no' });
    assert.ok(!refused.ok);
    if (!refused.ok)
      assert.match(refused.problem, /maxResources: must be at least 1, got 0; dryRun/);
    const none = checkPolicy(null);
    assert.ok(!none.ok && /must be an object, got null/.test(none.problem));
  });
});

describe('describe', () => {
  it('shows bad values short and on one line', () => {
    assert.equal(show(undefined), 'nothing');
    assert.equal(show([1, 2]), 'a list of 2');
    assert.equal(show('x'.repeat(100)).length, 60);
    assert.equal(
      show(() => 1),
      'function',
    );
  });
});
