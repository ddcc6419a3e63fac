// Decisions recorded before policy versions and inputs (the landed builds' sweep histories) still
// read: every decision shows with its reason, none claims inputs, `--explain` says they were not
// recorded, and backtest counts their evaluations as not re-run instead of failing on them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { explainOne, NOT_RECORDED } from '../../../src/cli/explain';
import { readSweepRun } from '../../../src/temporal/decisionLog';
import { landedRuns } from '../../support/histories';

describe('decisions of landed builds (before inputs were recorded)', () => {
  const sweeps = [...landedRuns().values()].flat().filter((r) => r.workflowType === 'sweep');

  it('still show, without version or inputs, and explain says so', () => {
    let decisions = 0;
    let evaluations = 0;
    for (const sweep of sweeps) {
      const run = readSweepRun(sweep.events, sweep.file, 'run');
      assert.ok(run.policy, `${sweep.build}/${sweep.file}: the sweep's policy from its input`);
      evaluations += run.evaluations.length;
      for (const e of run.evaluations) assert.equal(e.inputs, undefined);
      for (const logged of run.decisions) {
        decisions += 1;
        assert.ok(logged.decision.reason, `${sweep.file}: ${logged.decision.id}`);
        assert.equal(logged.inputs, undefined);
        assert.equal(logged.policyVersion, undefined);
        const explained = explainOne(logged, run.policy);
        assert.ok(explained.reproduced);
        assert.ok(explained.text.includes(`inputs    not recorded (${NOT_RECORDED})`));
        assert.match(explained.text, /^decision {2}\w+ \(/);
      }
    }
    assert.ok(decisions > 20, `${decisions} decisions in ${sweeps.length} landed sweeps`);
    assert.ok(evaluations > 0);
  });
});
