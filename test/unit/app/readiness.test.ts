// What /readyz and /healthz answer: one line per failing check, and liveness never failing for an
// outage elsewhere (restarting the process would not fix Teleport or Temporal).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { liveness, readiness, type ReadinessFacts } from '../../../src/app/readiness';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const S = 1000;

function facts(over: Partial<ReadinessFacts> = {}): ReadinessFacts {
  return {
    localNowMs: NOW,
    teleportNowMs: NOW,
    pollIntervalMs: 30 * S,
    startedAtMs: NOW - 3600 * S,
    teleportOkAtMs: NOW - 5 * S,
    watcher: { state: 'running', lastSweepFinishedAtMs: NOW - 20 * S },
    identityNotAfterMs: NOW + 3600 * S,
    ...over,
  };
}

const cases: Array<[string, Partial<ReadinessFacts>, RegExp[]]> = [
  ['all good', {}, []],
  ['Temporal down', { temporalError: 'connect ECONNREFUSED' }, [/^Temporal unreachable: connect/]],
  [
    'Teleport silent 61 s',
    { teleportOkAtMs: NOW - 61 * S, teleportError: 'UNAVAILABLE' },
    [/^Teleport has not answered for 61 s \(UNAVAILABLE\)$/],
  ],
  ['Teleport silent 59 s is fine', { teleportOkAtMs: NOW - 59 * S }, []],
  [
    'two poll intervals when longer than 60 s',
    {
      pollIntervalMs: 60 * S,
      teleportOkAtMs: NOW - 100 * S,
      watcher: { state: 'running', currentSweepStartedAtMs: NOW },
    },
    [],
  ],
  [
    'watcher terminated and not recreated',
    { watcher: { state: 'gone', detail: 'terminated' } },
    [/^watcher gone: terminated$/],
  ],
  [
    'watcher stuck',
    { watcher: { state: 'stuck', detail: 'its workflow task keeps failing (attempt 4)' } },
    [/^watcher stuck: its workflow task keeps failing/],
  ],
  [
    'no sweep for 3 poll intervals',
    { watcher: { state: 'running', lastSweepFinishedAtMs: NOW - 91 * S } },
    [/^no sweep finished for 91 s$/],
  ],
  [
    'a sweep under way counts as progress',
    {
      watcher: {
        state: 'running',
        lastSweepFinishedAtMs: NOW - 200 * S,
        currentSweepStartedAtMs: NOW - 10 * S,
      },
    },
    [],
  ],
  [
    'fresh start gets three intervals',
    { startedAtMs: NOW - 30 * S, watcher: { state: 'running' } },
    [],
  ],
  [
    'identity expired by Teleport time',
    { identityNotAfterMs: NOW - S },
    [/^identity expired at 2026-12-01T11:59:59\.000Z$/],
  ],
  ['clock skew', { clockProblem: 'clock skew: 13h ahead' }, [/^clock skew: 13h ahead$/]],
  [
    'sweep age is measured on Teleport time',
    {
      localNowMs: NOW + 13 * 3600 * S,
      teleportOkAtMs: NOW + 13 * 3600 * S,
      startedAtMs: NOW + 13 * 3600 * S,
    },
    [],
  ],
];

for (const [name, over, expected] of cases) {
  test(`readiness: ${name}`, () => {
    const result = readiness(facts(over));
    assert.equal(result.ok, expected.length === 0, result.failing.join('; '));
    assert.equal(result.failing.length, expected.length, result.failing.join('; '));
    expected.forEach((re, i) => assert.match(result.failing[i] ?? '', re));
  });
}

test('liveness: the monitor loop turning and the worker running is enough', () => {
  const live = {
    localNowMs: NOW,
    monitorBeatMs: NOW - 5 * S,
    monitorIntervalMs: 10 * S,
    workerState: 'RUNNING',
  };
  assert.deepEqual(liveness(live), { ok: true, failing: [] });
  assert.match(
    liveness({ ...live, monitorBeatMs: NOW - 120 * S }).failing[0] ?? '',
    /monitor loop stalled/,
  );
  assert.deepEqual(liveness({ ...live, workerState: 'FAILED' }).failing, ['worker failed']);
});
