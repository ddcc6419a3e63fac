// Upgrades never break the running watcher: the histories checked in under test/histories/ were
// recorded from earlier code (a watcher that continued as new, a sweep spanning runs, every
// signal and update, review mode, dry run), and those under test/histories-landed/ by the last two
// landed builds; this build's workflow code must replay every one of them without a determinism
// error. A change that fails here needs patched() (docs/upgrading-patches.md).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertReplays, landedRuns, recordedRuns, type LandedRun } from '../../support/histories';

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

  // What running watchers hold today: watcher and sweep runs recorded by the last two landed
  // builds (test/histories-landed/<commit>/, the server's binary form, never re-recorded), each
  // patch's old path among them. docs/upgrading-patches.md says when a set and a patch retire.
  const landed = landedRuns();

  it('hold the last two landed builds, each with a watcher continued as new and a sweep', () => {
    assert.ok(landed.size >= 2, `landed builds: ${[...landed.keys()].join(', ')}`);
    for (const [build, runs] of landed) {
      const watchers = runs.filter((r) => r.workflowType === 'watcher');
      assert.ok(
        watchers.some((r) => r.continuedAsNew) && watchers.some((r) => r.continued),
        `${build}: a watcher that continued as new`,
      );
      assert.ok(
        runs.some((r) => r.workflowType === 'sweep'),
        `${build}: a sweep`,
      );
    }
  });

  // Each patched() in the workflow code, and the landed run that takes its old path. When a set's
  // retirement takes the last one away, the patch becomes deprecatePatch and leaves this table
  // (docs/upgrading-patches.md).
  const oldPaths: Array<[string, string, (r: LandedRun) => boolean]> = [
    [
      'continued-run-waits',
      'a continued, unpaused watcher run',
      (r) =>
        r.workflowType === 'watcher' && r.continued && !(r.input as { paused?: boolean }).paused,
    ],
    [
      'decision-index-children',
      'a sweep run with more decisions than one chunk',
      (r) => r.workflowType === 'sweep' && r.scenario === 'large-sweep',
    ],
    ['deadline-timer', 'a watcher run', (r) => r.workflowType === 'watcher'],
    // Asked only by sweeps given a shadow or requests left to humans: no landed sweep was.
    ['shadow-policy', 'a sweep run (none was given a shadow)', (r) => r.workflowType === 'sweep'],
    ['human-decisions', 'a sweep run (none awaited humans)', (r) => r.workflowType === 'sweep'],
    // Every landed sweep run that reached its users took them in lanes.
    ['user-waves', 'a sweep run', (r) => r.workflowType === 'sweep'],
    // Every landed sweep run that handled a page waited for the last page to evaluate its users.
    ['page-users', 'a sweep run', (r) => r.workflowType === 'sweep'],
    [
      'policy-checks-re2',
      'a watcher run given a setPolicy signal',
      (r) =>
        r.events.some(
          (e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'setPolicy',
        ),
    ],
  ];
  for (const [patch, what, takes] of oldPaths) {
    it(`take the old path of ${patch}: ${what} without its marker`, () => {
      const runs = [...landed.values()].flat();
      assert.ok(runs.some((r) => takes(r) && !r.patches.includes(patch)));
    });
  }

  for (const [build, runs] of landed) {
    it(`replay with this build’s workflow code: landed ${build}`, () =>
      assertReplays(
        runs.map((r) => ({
          workflowId: `${build}/${r.file}`,
          history: r.history,
          label: `${build}/${r.file}`,
        })),
      ));
  }
});
