// The evaluateRequest activity in shadow mode: the live decision is what it returns to act on, the
// candidate's disagreement rides beside it and is counted in jit_watcher_shadow_disagreements_total
// by the shadow decision's rule; a request left to humans carries the engine's verdict. This
// activity reads nothing from Teleport, so no client is needed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createAppMetrics } from '../../../src/metrics/appMetrics';
import { defaultPolicy } from '../../../src/policy/policy';
import { policyVersion } from '../../../src/policy/version';
import { createEvaluateActivities } from '../../../src/temporal/activities/evaluate';
import { requestToJson } from '../../../src/temporal/requestJson';
import { silentLogger } from '../../../src/util/logger';
import { NOW, req } from '../policy/helpers';

const live = defaultPolicy();
const tighter = { ...live, maxResources: 1 };
const shadow = { policy: tighter, version: policyVersion(tighter), setAt: NOW.toISOString() };
const twoNodes = requestToJson(
  req({ id: 'r1', state: 'PENDING', resources: ['node/a', 'node/b'] }),
);

function activities() {
  const metrics = createAppMetrics();
  const { evaluateRequest } = createEvaluateActivities({
    teleport: () => {
      throw new Error('evaluateRequest reads nothing from Teleport');
    },
    log: silentLogger,
    metrics,
  });
  return { evaluateRequest, metrics };
}

async function counted(metrics: ReturnType<typeof createAppMetrics>): Promise<string> {
  return (await metrics.shadowDisagreements.get()).values
    .map((v) => `${String(v.labels.policy)}=${v.value}`)
    .join(',');
}

describe('evaluateRequest in shadow mode', () => {
  it('returns the live decision with the shadow’s disagreement beside it, and counts it', async () => {
    const { evaluateRequest, metrics } = activities();
    const r = await evaluateRequest({
      request: twoNodes,
      policy: live,
      now: NOW.toISOString(),
      shadow,
    });
    assert.equal(r.action, 'approve');
    assert.deepEqual(
      [r.shadow?.shadow.action, r.shadow?.shadow.policy],
      ['deny', 'resource-limit'],
    );
    assert.equal(await counted(metrics), 'resource-limit=1');
  });

  it('no shadow, or one that agrees: nothing beside the decision, nothing counted', async () => {
    const { evaluateRequest, metrics } = activities();
    const plain = await evaluateRequest({
      request: twoNodes,
      policy: live,
      now: NOW.toISOString(),
    });
    const same = await evaluateRequest({
      request: twoNodes,
      policy: live,
      now: NOW.toISOString(),
      shadow: { ...shadow, policy: live },
    });
    assert.equal(plain.shadow, undefined);
    assert.equal(same.shadow, undefined);
    assert.equal(await counted(metrics), '');
  });

  it('left to humans (auto-approval off): the engine’s verdict rides along', async () => {
    const { evaluateRequest } = activities();
    const r = await evaluateRequest({
      request: twoNodes,
      policy: { ...live, autoApprove: false },
      now: NOW.toISOString(),
    });
    assert.equal(r.action, 'none');
    assert.deepEqual(r.leftToHumans && [r.leftToHumans.leftBecause, r.leftToHumans.engine.action], [
      'auto-approve off',
      'approve',
    ]);
  });
});
