// What `status` prints about workers and what the Web UI shows as the watcher's details: a worker
// that missed three reports is marked STALE with its age; the details say paused or enforcing,
// last and next sweep, and the last error.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatStatus } from '../../../src/cli/commands/control';
import { formatAge, workerAge } from '../../../src/cli/commands/workerAge';
import type { WatcherStatus } from '../../../src/temporal/workflows/messages';
import { watcherDetails } from '../../../src/temporal/workflows/watcherDetails';

const now = new Date('2026-12-01T10:10:00.000Z');
const ago = (ms: number): string => new Date(now.getTime() - ms).toISOString();

const status: WatcherStatus = {
  cluster: 'c.example.com',
  paused: false,
  pollIntervalMs: 30_000,
  sweeps: 3,
  sweepQueued: false,
  nextSweepAt: '2026-12-01T10:10:30.000Z',
  totals: { approved: 5, denied: 1, locked: 2, failed: 0 },
  lastSweep: {
    id: 's3',
    startedAt: ago(2_000),
    finishedAt: ago(1_000),
    ok: true,
    counts: { approved: 2, locked: 1 },
  },
  lastError: 'requestsChanged refused: requestIds: missing',
  refused: 1,
  holders: 2,
  workers: {
    live: { worker: 'live', at: ago(20_000), reportIntervalMs: 60_000, eventStream: 'connected' },
    dead: { worker: 'dead', at: ago(4 * 60_000), reportIntervalMs: 60_000 },
    old: { worker: 'old', at: ago(3_600_000) },
  },
};

describe('worker ages', () => {
  it('marks a worker stale after three missed reports, not before', () => {
    assert.deepEqual(workerAge(status.workers.live!, now), { ageMs: 20_000, stale: false });
    assert.equal(workerAge(status.workers.dead!, now).stale, true);
    assert.equal(workerAge(status.workers.old!, now).stale, undefined);
  });

  it('prints ages short', () => {
    const cases: [number, string][] = [
      [42_000, '42s'],
      [303_000, '5m03s'],
      [7_800_000, '2h10m'],
      [4 * 86_400_000 + 3_600_000, '4d1h'],
    ];
    for (const [ms, text] of cases) assert.equal(formatAge(ms), text);
  });

  it('status lists every worker with its age and flags the stale one', () => {
    const text = formatStatus('jit-watcher/c.example.com', status, now);
    assert.match(
      text,
      /worker +live: last report 20s ago; identity unknown, event stream connected/,
    );
    assert.match(text, /worker +dead: last report 4m00s ago STALE/);
    assert.match(text, /worker +old: last report 1h00m ago;/);
    assert.match(text, /refused +1 signals with bad input/);
  });

  it('status shows the next deadline in Teleport time, what it is for, and escalations', () => {
    const text = formatStatus('jit-watcher/c.example.com', withDeadline, now);
    assert.match(
      text,
      /deadline +2026-12-01T10:15:00.000Z \(Teleport time\): evaluate gina: access of r4 starts \(\+2 more\)/,
    );
    assert.match(text, /totals +5 approved, 1 denied, 2 locked, 0 failed, 3 left to humans/);
    assert.doesNotMatch(formatStatus('w', status, now), /deadline|left to humans/);
  });
});

const withDeadline: WatcherStatus = {
  ...status,
  totals: { ...status.totals, escalated: 3 },
  nextDeadline: {
    at: '2026-12-01T10:15:00.000Z',
    user: 'gina',
    requestId: 'r4',
    kind: 'starts',
    what: 'evaluate gina: access of r4 starts',
    kept: 3,
  },
};

describe('watcher details', () => {
  it('say enforcing, last and next sweep, totals and the last error', () => {
    const details = watcherDetails(status);
    assert.match(details, /\*\*enforcing\*\*, a sweep every 30 s/);
    assert.match(details, /last sweep 2026-12-01T10:09:59.000Z \(ok, 2 approved, 1 locked\)/);
    assert.match(details, /next sweep 2026-12-01T10:10:30.000Z/);
    assert.match(details, /last error: requestsChanged refused/);
  });

  it('say the next deadline and escalations', () => {
    const details = watcherDetails(withDeadline);
    assert.match(
      details,
      /next deadline 2026-12-01T10:15:00.000Z \(Teleport time\): evaluate gina/,
    );
    assert.match(details, /0 failed, 3 left to humans/);
  });

  it('say paused', () => {
    assert.match(watcherDetails({ ...status, paused: true }), /\*\*PAUSED\*\*/);
  });
});

describe('shadow mode and agreement with humans in status', () => {
  const withShadow: WatcherStatus = {
    ...status,
    shadow: { version: '0123456789abcd', setAt: '2026-12-01T09:00:00.000Z', disagreements: 4 },
    humans: { decided: 3, agreed: 2, awaiting: 1 },
  };

  it('status prints the shadow’s version, since when, its disagreements, and the agreement', () => {
    const text = formatStatus('jit-watcher/c.example.com', withShadow, now);
    assert.match(
      text,
      /^shadow +0123456789abcd since 2026-12-01T09:00:00.000Z, 4 disagreements \(decisions --shadow\)$/m,
    );
    assert.match(
      text,
      /^humans +3 decided by humans, 2 as the watcher would have \(67%\), 1 awaited \(agreement\)$/m,
    );
    assert.doesNotMatch(formatStatus('w', status, now), /^(shadow|humans)/m);
  });

  it('the Web UI’s details name the shadow and how to find its sweeps', () => {
    assert.match(
      watcherDetails(withShadow),
      /shadow policy 0123456789abcd since .*: 4 disagreements/,
    );
    assert.match(watcherDetails(withShadow), /JitShadowDisagreements > 0/);
  });
});
