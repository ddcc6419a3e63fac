// Teleport unreachable for two minutes under a running service: /readyz turns not ready within
// 60 s and names Teleport, liveness stays ok (restarting would not help), and once Teleport is
// back the service is ready again and every request made meanwhile is approved exactly once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { waitFor } from '../../src/util/waitFor';
import { watcherControl } from '../../src/temporal/control';
import { testTemporal, uniqueName } from '../support/temporal';
import { doubled, faultFixture } from './fixture';
import { startServiceProcess } from './serviceProcess';

const OUTAGE_MS = 120_000;
/** The readiness rule: Teleport answered within max(60 s, two poll intervals). */
const NOT_READY_WITHIN_MS = 60_000;

test('Teleport unreachable for 2 minutes: not ready within 60 s, ready after, 0 doubled', async () => {
  const temporal = await testTemporal();
  const fx = await faultFixture();
  const service = await startServiceProcess({
    proxyAddress: fx.sim.proxyAddress,
    identityPath: fx.identityPath,
    flags: [
      ...['--temporal-address', temporal.address],
      ...['--temporal-task-queue', uniqueName('outage')],
      ...['-poll-interval=5s', '--call-timeout=2s'],
    ],
  });
  try {
    await waitFor(async () => (await service.probe('/readyz')).status === 200, {
      timeoutMs: 60_000,
      what: 'the service to be ready',
    });
    const early = fx.createRequests(3, 'early');
    await waitFor(() => early.every((id) => fx.sim.store.getRequest(id)?.state === 'APPROVED'), {
      timeoutMs: 60_000,
      what: 'requests approved before the outage',
    });

    fx.sim.faults.unavailableFor(OUTAGE_MS);
    const during = fx.createRequests(5, 'during');
    const notReadyBody = async (): Promise<string | undefined> => {
      const probe = await service.probe('/readyz');
      return probe.status === 503 ? probe.body : undefined;
    };
    // Whichever check notices first (sweeps stall, or Teleport's silence passes 60 s) ...
    await waitFor(notReadyBody, {
      timeoutMs: NOT_READY_WITHIN_MS,
      intervalMs: 500,
      what: '/readyz to turn not ready',
    });
    // ... Teleport's own check names the cause once its 60 s have passed.
    const body = await waitFor(
      async () => ((await notReadyBody()) ?? '').match(/Teleport has not answered for \d+ s/)?.[0],
      { timeoutMs: NOT_READY_WITHIN_MS, intervalMs: 1_000, what: '/readyz to name Teleport' },
    );
    assert.match(body, /^Teleport has not answered/);
    assert.equal((await service.probe('/healthz')).status, 200, 'liveness is not readiness');

    await waitFor(async () => (await service.probe('/readyz')).status === 200, {
      timeoutMs: OUTAGE_MS + 90_000,
      intervalMs: 1_000,
      what: '/readyz ready again after the outage',
    });
    await waitFor(() => during.every((id) => fx.sim.store.getRequest(id)?.state === 'APPROVED'), {
      timeoutMs: 90_000,
      what: 'requests made during the outage approved',
    });
    assert.deepEqual(doubled(fx.approvals), [], '0 doubled');
  } finally {
    service.kill('SIGTERM');
    await service.exited;
    await watcherControl(temporal.client, fx.sim.clusterName)
      .handle.terminate('test over')
      .catch(() => undefined);
    await fx.close();
    await temporal.close();
  }
});
