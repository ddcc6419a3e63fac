// Upgrades never break the running watcher: the histories checked in under test/histories/ were
// recorded from earlier code (a watcher that continued as new, a sweep spanning runs, every
// signal and update, review mode, dry run); this build's workflow code must replay every one of
// them without a determinism error. A change that fails here needs patched() (README, Upgrading).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Worker } from '@temporalio/worker';
import { workflowBundle } from '../../../src/temporal/worker';
import { recordedRuns } from '../../support/histories';

describe('recorded histories', () => {
  const runs = recordedRuns();

  it('cover what a running watcher can hold', () => {
    const scenarios = new Set(runs.map((r) => r.scenario));
    for (const s of ['watcher', 'review-mode', 'dry-run']) assert.ok(scenarios.has(s), s);
    const watcherRuns = runs.filter(
      (r) => r.scenario === 'watcher' && r.workflowType === 'watcher',
    );
    assert.ok(watcherRuns.length >= 2, 'a watcher that continued as new');
    const sweepIds = runs.filter((r) => r.workflowType === 'sweep').map((r) => r.workflowId);
    assert.ok(sweepIds.length > new Set(sweepIds).size, 'a sweep spanning runs');
    const names = new Set(
      runs.flatMap((r) =>
        r.events.flatMap((e) => [
          e.workflowExecutionSignaledEventAttributes?.signalName,
          e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name,
        ]),
      ),
    );
    for (const name of [
      'pause',
      'resume',
      'sweepNow',
      'setPolicy',
      'requestsChanged',
      'reportWorker',
    ])
      assert.ok(names.has(name), `a ${name} signal or update`);
  });

  it('replay with this build’s workflow code', async () => {
    let replayed = 0;
    const histories = runs.map((r) => ({ workflowId: r.workflowId, history: r.parsed }));
    for await (const result of Worker.runReplayHistories(
      { workflowBundle: await workflowBundle() },
      histories,
    )) {
      const file = runs[replayed]?.file ?? result.workflowId;
      assert.equal(result.error, undefined, `${file}: ${String(result.error)}`);
      replayed += 1;
    }
    assert.equal(replayed, runs.length);
  });
});
