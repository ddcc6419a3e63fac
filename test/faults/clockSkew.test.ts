// A worker whose clock is 13 h ahead of Teleport's (a real skewed process clock, libfaketime from
// Debian's `faketime` package): expiries would all look past and the resource limit silently off.
// The skew must be reported (log, metric, status, /readyz) and no request approved beyond the
// limit without the oldest holdings being locked.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { watcherControl } from '../../src/temporal/control';
import { waitFor } from '../../src/util/waitFor';
import { testTemporal, uniqueName } from '../support/temporal';
import { faultFixture, type FaultFixture } from './fixture';
import { startServiceProcess } from './serviceProcess';

const DAY_MS = 24 * 3_600_000;

function faketimeInstalled(): boolean {
  try {
    execFileSync('faketime', ['-f', '+0', 'true']);
    return true;
  } catch {
    return false;
  }
}

/** Requests of `user` approved and not targeted by any lock: what the user holds. */
function inForce(fx: FaultFixture, user: string): string[] {
  const locked = new Set(fx.sim.store.listLocks().map((l) => l.target.accessRequest));
  return fx.sim.store
    .listRequests({ user })
    .filter((r) => r.state === 'APPROVED' && !locked.has(r.id))
    .map((r) => r.id);
}

test('13 h of clock skew: reported, and no approval beyond the resource limit', async (t) => {
  assert.ok(faketimeInstalled(), 'faketime not found: apt-get install -y faketime');
  const temporal = await testTemporal();
  // The identity outlives the skew, so the local clock alone does not make it look expired.
  const fx = await faultFixture({ identityTtlMs: 2 * DAY_MS });
  const user = 'sam';
  const request = (name: string) =>
    fx.sim.store.createRequest({
      user,
      roles: ['node-access'],
      resources: [{ clusterName: fx.sim.clusterName, kind: 'node', name }],
    });
  // sam already holds the limit: three one-node requests a human approved.
  for (const name of ['a', 'b', 'c']) {
    fx.sim.store.setState(request(name).id, { state: 'APPROVED', reason: 'approved by a human' });
  }
  const service = await startServiceProcess({
    proxyAddress: fx.sim.proxyAddress,
    identityPath: fx.identityPath,
    faketime: '+13h',
    flags: [
      ...['--temporal-address', temporal.address],
      ...['--temporal-task-queue', uniqueName('skew')],
      '-poll-interval=5s',
    ],
  });
  const control = watcherControl(temporal.client, fx.sim.clusterName);
  try {
    const logged = await service.waitForLog(
      (l) => l.level === 'error' && String(l.msg).startsWith('clock skew:'),
      'the skew to be logged',
    );
    assert.match(String(logged.msg), /clock is 1[23]h \d+m ahead of Teleport's/);

    request('d');
    request('e');
    await waitFor(
      () =>
        fx.sim.store.listRequests({ user }).filter((r) => r.state === 'PENDING').length === 0 &&
        inForce(fx, user).length <= 3,
      { timeoutMs: 120_000, intervalMs: 250, what: 'the new requests decided within the limit' },
    );
    assert.ok(inForce(fx, user).length <= 3, 'never more than 3 resources held');
    t.diagnostic(`locks: ${fx.sim.store.listLocks().length}`);

    assert.match((await service.probe('/metrics')).body, /jit_watcher_clock_skewed 1/);
    const ready = await service.probe('/readyz');
    assert.equal(ready.status, 503);
    assert.match(ready.body, /clock skew: this machine's clock is 1[23]h \d+m ahead/);
    await waitFor(
      async () =>
        Object.values((await control.status()).workers).some((w) =>
          /^clock skew: /.test(w.clockProblem ?? ''),
        ),
      { timeoutMs: 30_000, what: 'status to show the skew' },
    );
  } finally {
    service.kill('SIGTERM');
    await service.exited;
    await control.handle.terminate('test over').catch(() => undefined);
    await fx.close();
    await temporal.close();
  }
});
