// WatcherState, the watcher's logic without the workflow around it: what each signal changes,
// which sweep comes next (targeted, full, full evaluation), what a sweep's end leaves behind, what
// status shows, and that continue-as-new carries everything as plain JSON.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Deadline } from '../../../src/policy/deadlines';
import { defaultPolicy } from '../../../src/policy/policy';
import { policyVersion } from '../../../src/policy/version';
import type { Decision } from '../../../src/policy/types';
import { emptyCounts, type SweepResult } from '../../../src/temporal/sweepTypes';
import { WatcherState, type WatcherInput } from '../../../src/temporal/workflows/watcherState';

const T0 = new Date('2026-12-01T10:00:00.000Z');
const minutes = (n: number): Date => new Date(T0.getTime() + n * 60_000);

function newState(overrides: Partial<WatcherInput> = {}): WatcherState {
  return new WatcherState({
    cluster: 'c.example.com',
    policy: defaultPolicy(),
    pollIntervalMs: 30_000,
    fullEvaluationIntervalMs: 10 * 60_000,
    ...overrides,
  });
}

function decision(requestId: string, action: Decision['action']): Decision {
  return {
    id: `${requestId}/${action}/compliant`,
    requestId,
    user: 'alice',
    action,
    policy: 'compliant',
    reason: 'ok',
    details: { checks: [] },
  };
}

function result(over: Partial<SweepResult> = {}): SweepResult {
  return {
    fingerprints: { alice: 'f1' },
    counts: { ...emptyCounts(), approved: 2, locked: 1 },
    recent: [],
    errors: [],
    runs: 1,
    ...over,
  };
}

describe('WatcherState', () => {
  it('starts with a full sweep and a full evaluation due', () => {
    const s = newState();
    assert.equal(s.workWaiting, false);
    const input = s.beginSweep('s1', T0);
    assert.equal(input.fullEvaluation, true);
    assert.equal(input.targets, undefined);
    assert.deepEqual(s.status().currentSweep, { id: 's1', startedAt: T0.toISOString() });
  });

  it('re-evaluates every user only once the full-evaluation interval has passed', () => {
    const s = newState();
    s.beginSweep('s1', T0);
    s.finishSweep('s1', T0, T0, result());
    assert.equal(s.beginSweep('s2', minutes(5)).fullEvaluation, false);
    s.finishSweep('s2', minutes(5), minutes(5), result());
    assert.equal(s.beginSweep('s3', minutes(10)).fullEvaluation, true);
  });

  it('runs a targeted sweep for changed requests, and a full one on reconcile', () => {
    const s = newState();
    s.requestsChanged({ requestIds: ['r1', 'r2'], cause: 'event stream' });
    s.requestsChanged({ requestIds: ['r2', 'r3'], cause: 'event stream' });
    assert.equal(s.workWaiting, true);
    assert.deepEqual(s.beginSweep('s1', T0).targets, ['r1', 'r2', 'r3']);
    assert.equal(s.workWaiting, false);
    s.requestsChanged({ requestIds: ['r4'], cause: 'event stream' });
    s.requestsChanged({ requestIds: [], cause: 'reconnected', reconcile: true });
    const full = s.beginSweep('s2', T0);
    assert.equal(full.targets, undefined, 'a requested full sweep covers the targets');
  });

  it('turns a burst of more than 500 changed requests into a full sweep', () => {
    const s = newState();
    const ids = Array.from({ length: 501 }, (_, i) => `r${i}`);
    s.requestsChanged({ requestIds: ids, cause: 'bulk import' });
    assert.equal(s.workWaiting, true);
    assert.equal(s.beginSweep('s1', T0).targets, undefined);
  });

  it('pause hides the next sweep; resume brings it back', () => {
    const s = newState();
    s.nextSweepAt = minutes(1).toISOString();
    s.pause();
    assert.equal(s.status().paused, true);
    assert.equal(s.status().nextSweepAt, undefined);
    s.resume();
    s.nextSweepAt = minutes(2).toISOString();
    assert.equal(s.status().nextSweepAt, minutes(2).toISOString());
  });

  it('a new policy applies from the next sweep, with every user re-evaluated', () => {
    const s = newState();
    s.beginSweep('s1', T0);
    s.finishSweep('s1', T0, T0, result());
    s.setPolicy({ ...defaultPolicy(), maxResources: 7 }, minutes(1));
    assert.equal(s.status().policyChangedAt, minutes(1).toISOString());
    const next = s.beginSweep('s2', minutes(2));
    assert.equal(next.policy.maxResources, 7);
    assert.equal(next.fullEvaluation, true);
  });

  it('carries the enforced policy’s version; a run from before versions shows it computed', () => {
    const s = newState();
    assert.equal(s.status().policyVersion, policyVersion(defaultPolicy()));
    const tighter = { ...defaultPolicy(), maxResources: 2 };
    s.setPolicy(tighter, minutes(1));
    assert.equal(s.status().policyVersion, policyVersion(tighter));
    const carried = JSON.parse(JSON.stringify(s.carryOver())) as WatcherInput;
    assert.equal(carried.carried?.policyVersion, policyVersion(tighter));
    assert.equal(newState(carried).status().policyVersion, policyVersion(tighter));
  });

  it('adds a sweep’s counts to the totals and keeps the last 100 decisions', () => {
    const s = newState();
    const recent = Array.from({ length: 80 }, (_, i) => ({
      at: T0.toISOString(),
      sweepId: 's',
      decision: decision(`r${i}`, 'approve'),
      outcome: { status: 'applied' as const, detail: '' },
    }));
    for (const id of ['s1', 's2']) {
      s.beginSweep(id, T0);
      s.finishSweep(id, T0, minutes(1), result({ recent }));
    }
    const status = s.status();
    assert.deepEqual(status.totals, { approved: 4, denied: 0, locked: 2, failed: 0 });
    assert.equal(status.sweeps, 2);
    assert.equal(s.recent.length, 100);
    assert.equal(status.holders, 1);
    assert.equal(status.lastSweep?.ok, true);
    assert.equal(status.currentSweep, undefined);
  });

  it('keeps the last error of a sweep, and a failed sweep asks for a full evaluation', () => {
    const s = newState();
    s.beginSweep('s1', T0);
    s.finishSweep('s1', T0, T0, result({ errors: ['approve r1: denied', 'lock r2: timeout'] }));
    assert.equal(s.status().lastError, 'lock r2: timeout');
    assert.equal(s.status().lastSweep?.ok, false);
    s.beginSweep('s2', minutes(1));
    s.failSweep('s2', minutes(1), minutes(2), 'Teleport unreachable');
    assert.equal(s.status().lastError, 'Teleport unreachable');
    assert.equal(s.beginSweep('s3', minutes(3)).fullEvaluation, true);
  });

  it('remembers the latest report of at most 20 workers, dropping the oldest', () => {
    const s = newState();
    for (let i = 0; i < 25; i++)
      s.reportWorker({ worker: `w${i}`, at: minutes(i).toISOString(), eventStream: 'connected' });
    s.reportWorker({ worker: 'w24', at: minutes(30).toISOString(), eventStream: 'reconnecting' });
    const workers = s.status().workers;
    assert.equal(Object.keys(workers).length, 20);
    assert.equal(workers.w0, undefined);
    assert.equal(workers.w24?.eventStream, 'reconnecting');
  });

  it('counts refusals and shows the latest as the last error', () => {
    const s = newState();
    assert.equal(s.status().refused, undefined);
    s.refuse('requestsChanged', 'requestIds: missing');
    assert.equal(
      s.refuse('reportWorker', 'expected an object'),
      'reportWorker refused: expected an object',
    );
    assert.equal(s.status().refused, 2);
    assert.equal(s.status().lastError, 'reportWorker refused: expected an object');
  });

  it('carries everything across continue-as-new as plain JSON', () => {
    const s = newState({ continueAsNewAfterEvents: 40 });
    s.beginSweep('s1', T0);
    s.finishSweep('s1', T0, T0, result());
    s.requestsChanged({ requestIds: ['r9'], cause: 'event stream' });
    s.reportWorker({ worker: 'w1', at: T0.toISOString() });
    s.refuse('setPolicy', 'maxResources: must be at least 1');
    s.pause();
    const carried = JSON.parse(JSON.stringify(s.carryOver())) as WatcherInput;
    const next = new WatcherState(carried);
    assert.deepEqual(next.status(), s.status());
    assert.equal(next.paused, true);
    assert.equal(next.continueAsNewAfterEvents, 40);
    assert.deepEqual(next.beginSweep('s2', minutes(1)).targets, ['r9']);
  });

  it('keeps the first cause of a requested sweep, across continue-as-new, for its summary', () => {
    const s = newState();
    s.beginSweep('s1', T0);
    assert.equal(s.sweepCause, undefined);
    s.finishSweep('s1', T0, T0, result());
    s.requestSweep('sweepNow signal');
    s.requestSweep('poll interval');
    const next = new WatcherState(JSON.parse(JSON.stringify(s.carryOver())) as WatcherInput);
    next.beginSweep('s2', minutes(1));
    assert.equal(next.sweepCause, 'sweepNow signal');
    next.finishSweep('s2', minutes(1), minutes(1), result());
    next.requestsChanged({ requestIds: [], cause: 'event stream reconnected', reconcile: true });
    next.beginSweep('s3', minutes(2));
    assert.equal(next.sweepCause, 'event stream reconnected');
  });

  it('accepts state carried by a run from before refusals were counted', () => {
    const old = JSON.parse(JSON.stringify(newState().carryOver())) as WatcherInput;
    delete (old.carried as { refused?: number }).refused;
    const s = new WatcherState(old);
    s.refuse('pause', 'x');
    assert.equal(s.status().refused, 1);
  });
});

describe('WatcherState deadlines', () => {
  const seconds = (n: number): Date => new Date(T0.getTime() + n * 1000);
  /** Teleport's clock is ten minutes ahead of the workflow's. */
  const TELEPORT_AHEAD_MS = 10 * 60_000;
  const teleport = (d: Date): string => new Date(d.getTime() + TELEPORT_AHEAD_MS).toISOString();
  const deadline = (user: string, atWorkflow: Date): Deadline => ({
    at: teleport(atWorkflow),
    user,
    requestId: `${user}-r4`,
    kind: 'starts',
    what: `evaluate ${user}: access of ${user}-r4 starts`,
  });
  const swept = (deadlines: Deadline[]): SweepResult =>
    result({ deadlines, clock: { teleportNow: teleport(T0), workflowAt: T0.toISOString() } });
  const withTimer = (overrides: Partial<WatcherInput> = {}) =>
    new WatcherState(
      {
        cluster: 'c.example.com',
        policy: defaultPolicy(),
        pollIntervalMs: 30_000,
        fullEvaluationIntervalMs: 10 * 60_000,
        ...overrides,
      },
      { deadlineTimer: true },
    );
  /** A state whose first sweep (a full evaluation) found `deadlines`. */
  const afterFirstSweep = (deadlines: Deadline[]) => {
    const s = withTimer();
    s.beginSweep('s1', T0);
    s.finishSweep('s1', T0, T0, swept(deadlines));
    return s;
  };

  it('waits until the earliest deadline, in workflow time, when it comes before the poll', () => {
    const s = afterFirstSweep([deadline('gina', seconds(12)), deadline('hugo', seconds(20))]);
    assert.deepEqual(s.nextWait(seconds(2)), {
      ms: 10_000,
      deadline: deadline('gina', seconds(12)),
    });
    assert.equal(s.status().nextDeadline?.at, teleport(seconds(12)));
    assert.equal(s.status().nextDeadline?.kept, 2);
    assert.deepEqual(s.nextWait(seconds(-40)), { ms: 30_000 }, 'further off than the poll');
    assert.equal(s.nextWait(seconds(15)).ms, 250, 'passed during a sweep: a moment');
  });

  it('at the deadline, sweeps its users only, then keeps what their evaluation found', () => {
    const s = afterFirstSweep([deadline('gina', seconds(12)), deadline('hugo', seconds(20))]);
    s.deadlineReached(seconds(12));
    assert.equal(s.workWaiting, true);
    const input = s.beginSweep('s2', seconds(12));
    assert.deepEqual(input.targets, [], 'no request to read');
    assert.deepEqual(input.users, ['gina']);
    assert.equal(input.fullEvaluation, false);
    assert.equal(s.sweepCause, 'deadline: evaluate gina: access of gina-r4 starts');
    assert.equal(s.status().nextDeadline?.user, 'hugo');
    s.finishSweep('s2', seconds(12), seconds(13), swept([deadline('gina', seconds(90))]));
    assert.deepEqual(
      s.status().nextDeadline && [s.status().nextDeadline?.user, s.status().nextDeadline?.kept],
      ['hugo', 2],
    );
    assert.equal(s.beginSweep('s3', seconds(14)).users, undefined, 'nothing due: none named');
  });

  it('a sweep not asked by the timer (a resume) stays full, and takes the passed deadlines', () => {
    const s = afterFirstSweep([deadline('gina', seconds(12))]);
    s.pause();
    s.resume();
    const input = s.beginSweep('s2', seconds(40));
    assert.equal(input.targets, undefined);
    assert.deepEqual(input.users, ['gina']);
    assert.equal(s.status().nextDeadline, undefined);
  });

  it('follows a jump of Teleport’s clock measured by the latest sweep', () => {
    const s = afterFirstSweep([deadline('gina', seconds(600))]);
    assert.equal(s.nextWait(T0).ms, 30_000);
    s.beginSweep('s2', T0);
    // Teleport's clock moved 595 s further ahead: the deadline is 5 s away.
    const jumped = new Date(T0.getTime() + TELEPORT_AHEAD_MS + 595_000).toISOString();
    s.finishSweep(
      's2',
      T0,
      T0,
      result({ clock: { teleportNow: jumped, workflowAt: T0.toISOString() } }),
    );
    assert.equal(s.nextWait(T0).ms, 5_000);
  });

  it('a full evaluation replaces the deadlines, another sweep adds to them', () => {
    const s = afterFirstSweep([deadline('gina', seconds(12))]);
    s.requestsChanged({ requestIds: ['x'], cause: 'event stream' });
    s.beginSweep('s2', T0);
    s.finishSweep('s2', T0, T0, swept([deadline('hugo', seconds(5))]));
    assert.equal(s.status().nextDeadline?.kept, 2);
    s.setPolicy(defaultPolicy(), T0);
    assert.equal(s.beginSweep('s3', T0).fullEvaluation, true);
    s.finishSweep('s3', T0, T0, swept([]));
    assert.equal(s.status().nextDeadline, undefined);
  });

  it('a policy change asks for a sweep at once, saying why', () => {
    const s = afterFirstSweep([]);
    s.setPolicy({ ...defaultPolicy(), maxResources: 4 }, T0);
    assert.equal(s.workWaiting, true);
    s.beginSweep('s2', T0);
    assert.equal(s.sweepCause, 'policy changed');
  });

  it('asks for a full evaluation once the last kept deadline is used, if some were cut', () => {
    const s = withTimer();
    s.beginSweep('s1', T0);
    s.finishSweep('s1', T0, T0, { ...swept([deadline('gina', seconds(5))]), deadlinesCut: true });
    const input = s.beginSweep('s2', seconds(5));
    assert.equal(input.fullEvaluation, true);
    assert.deepEqual(input.users, ['gina']);
    assert.equal(s.workWaiting, false, 'this full evaluation is the one asked for');

    const timed = withTimer();
    timed.beginSweep('s1', T0);
    timed.finishSweep('s1', T0, T0, {
      ...swept([deadline('gina', seconds(5))]),
      deadlinesCut: true,
    });
    timed.deadlineReached(seconds(5));
    const next = timed.beginSweep('s2', seconds(5));
    assert.equal(next.fullEvaluation, true, 'at the timer: a full evaluation with the users');
    assert.deepEqual(next.users, ['gina']);
  });

  it('carries the deadlines and the clock offset across continue-as-new', () => {
    const s = afterFirstSweep([deadline('gina', seconds(12))]);
    const carried = JSON.parse(JSON.stringify(s.carryOver())) as WatcherInput;
    const next = new WatcherState(carried, { deadlineTimer: true });
    assert.deepEqual(next.nextWait(seconds(2)), s.nextWait(seconds(2)));
    assert.deepEqual(next.status(), s.status());
  });

  it('without the patch (runs from before deadlines) waits for the poll, as those did', () => {
    const s = newState();
    s.beginSweep('s1', T0);
    s.finishSweep('s1', T0, T0, swept([deadline('gina', seconds(12))]));
    assert.deepEqual(s.nextWait(seconds(2)), { ms: 30_000 });
    assert.equal(s.status().nextDeadline, undefined);
    s.setPolicy(defaultPolicy(), T0);
    assert.equal(s.workWaiting, false, 'a policy change waits for the next sweep');
  });

  it('counts escalations in the totals', () => {
    const s = newState();
    s.beginSweep('s1', T0);
    s.finishSweep('s1', T0, T0, result({ counts: { ...emptyCounts(), escalated: 2 } }));
    assert.equal(s.status().totals.escalated, 2);
  });
});

describe('WatcherState shadow mode', () => {
  const tighter = { ...defaultPolicy(), maxResources: 1 };
  const carry = (s: WatcherState) =>
    new WatcherState(JSON.parse(JSON.stringify(s.carryOver())) as WatcherInput);

  it('gives every sweep the shadow, counts its disagreements, carries it, and clears it', () => {
    const s = newState();
    s.beginSweep('s0', T0);
    s.finishSweep('s0', T0, T0, result());
    s.setShadow(tighter, minutes(1));
    const input = s.beginSweep('s1', minutes(2));
    assert.equal(input.shadow?.policy.maxResources, 1);
    assert.equal(input.shadow?.version, policyVersion(tighter));
    assert.equal(input.fullEvaluation, true, 'every holder is judged by the new shadow at once');
    s.finishSweep('s1', minutes(2), minutes(2), result({ shadowDisagreements: 3 }));
    const next = carry(s);
    assert.deepEqual(next.status().shadow, {
      version: policyVersion(tighter),
      setAt: minutes(1).toISOString(),
      disagreements: 3,
    });
    assert.deepEqual(next.shadowPolicy, tighter);
    next.clearShadow();
    assert.equal(next.status().shadow, undefined);
    assert.equal(next.beginSweep('s2', minutes(3)).shadow, undefined);
  });

  it('a sweep begun under an earlier shadow does not count for a new one', () => {
    const s = newState();
    s.setShadow(tighter, T0);
    s.beginSweep('s1', T0);
    s.setShadow({ ...tighter, maxResources: 2 }, minutes(1));
    s.finishSweep('s1', T0, minutes(1), result({ shadowDisagreements: 5 }));
    assert.equal(s.status().shadow?.disagreements, 0);
  });
});

describe('WatcherState requests left to humans', () => {
  const left = (requestId: string) => ({
    requestId,
    user: 'alice',
    leftBecause: 'auto-approve off' as const,
    leftAt: T0.toISOString(),
    engine: { action: 'approve' as const, policy: 'compliant' as const, reason: 'ok' },
  });

  it('remembers them, hands them to sweeps, counts human decisions and forgets decided ones', () => {
    const s = newState();
    s.beginSweep('s1', T0);
    s.finishSweep('s1', T0, T0, result({ leftToHumans: [left('a'), left('b')] }));
    assert.deepEqual(s.status().humans, { decided: 0, agreed: 0, awaiting: 2 });
    const input = s.beginSweep('s2', minutes(1));
    assert.deepEqual(
      input.awaitingHumans?.map((a) => a.requestId),
      ['a', 'b'],
    );
    const decided = [{ ...left('a'), human: 'deny' as const, reviewers: ['carol'], agrees: false }];
    s.finishSweep(
      's2',
      minutes(1),
      minutes(1),
      result({ humanDecisions: decided, awaitingGone: ['a'], leftToHumans: [left('b')] }),
    );
    assert.deepEqual(s.status().humans, { decided: 1, agreed: 0, awaiting: 1 });
    const next = new WatcherState(JSON.parse(JSON.stringify(s.carryOver())) as WatcherInput);
    assert.deepEqual(
      next.beginSweep('s3', minutes(2)).awaitingHumans?.map((a) => a.requestId),
      ['b'],
    );
  });

  it('keeps at most 200, the oldest, so a full list does not churn', () => {
    const s = newState();
    s.beginSweep('s1', T0);
    const many = Array.from({ length: 250 }, (_, i) => left(`r${i}`));
    s.finishSweep('s1', T0, T0, result({ leftToHumans: many }));
    const awaiting = s.beginSweep('s2', T0).awaitingHumans ?? [];
    assert.equal(awaiting.length, 200);
    assert.equal(awaiting.at(-1)?.requestId, 'r199');
  });
});
