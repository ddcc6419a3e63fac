// Upgrades never break the running watcher: the histories checked in under test/histories/ were
// recorded from earlier code (a watcher that continued as new, a sweep spanning runs, every
// signal and update, review mode, dry run); this build's workflow code must replay every one of
// them without a determinism error. A change that fails here needs patched() (docs/upgrading.md).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { temporal } from '@temporalio/proto';
import { assertReplays, recordedRuns } from '../../support/histories';

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

  it('replay with this build’s workflow code', () =>
    assertReplays(
      runs.map((r) => ({ workflowId: r.workflowId, history: r.parsed, label: r.file })),
    ));

  // Sweeps as the last landed build (64d3d75, what running watchers hold) wrote them, in the
  // server's own binary form: approvals, denials, locks, a sweep spanning runs. Never re-recorded.
  it('replay sweeps recorded by the last landed build', async () => {
    const dir = path.resolve(__dirname, '../../histories-landed/64d3d75');
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.bin'));
    assert.ok(files.length > 0, dir);
    const histories = files.map((file) => ({
      workflowId: file,
      history: temporal.api.history.v1.History.decode(fs.readFileSync(path.join(dir, file))),
    }));
    await assertReplays(histories);
  });
});
