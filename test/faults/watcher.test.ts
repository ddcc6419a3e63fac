// The watcher terminated under a running service is started again and enforcement goes on; an
// identity of another cluster swapped in is refused (the current one kept, status shows why);
// /readyz and /healthz answer on their exact paths.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createClusterAuthorities, issueIdentityFile } from '../../testkit/sim';
import { watcherControl, type WatcherControl } from '../../src/temporal/control';
import { waitFor } from '../../src/util/waitFor';
import { testTemporal, uniqueName, type TestTemporal } from '../support/temporal';
import { faultFixture, type FaultFixture } from './fixture';
import { startServiceProcess, type ServiceProcess } from './serviceProcess';

describe('a running service and its watcher', () => {
  let temporal: TestTemporal;
  let fx: FaultFixture;
  let service: ServiceProcess;
  let control: WatcherControl;

  before(async () => {
    temporal = await testTemporal();
    fx = await faultFixture();
    service = await startServiceProcess({
      proxyAddress: fx.sim.proxyAddress,
      identityPath: fx.identityPath,
      flags: [
        ...['--temporal-address', temporal.address],
        ...['--temporal-task-queue', uniqueName('faults')],
        '-poll-interval=5s',
      ],
    });
    control = watcherControl(temporal.client, fx.sim.clusterName);
  });

  after(async () => {
    service.kill('SIGTERM');
    await service.exited;
    await control.handle.terminate('test over').catch(() => undefined);
    await fx.close();
    await temporal.close();
  });

  test('exact probe paths; ready once the watcher has swept', async () => {
    await waitFor(async () => (await service.probe('/readyz')).status === 200, {
      timeoutMs: 60_000,
      what: '/readyz to answer 200',
    });
    assert.equal((await service.probe('/healthz')).body, 'ok\n');
    assert.match((await service.probe('/metrics')).body, /jit_watcher_ready 1/);
    assert.equal((await service.probe('/metricsfoo')).status, 404);
    assert.equal((await service.probe('/readyzz')).status, 404);
  });

  test('a terminated watcher is started again and keeps deciding', async () => {
    const before = await control.handle.describe();
    await control.handle.terminate('operator mistake');
    await service.waitForLog(
      (l) => l.msg === 'watcher running' && l.recreated === true,
      'the watcher to be recreated',
    );
    const now = await control.handle.describe();
    assert.equal(now.status.name, 'RUNNING');
    assert.notEqual(now.runId, before.runId);
    const [id = ''] = fx.createRequests(1, 'after-terminate');
    await waitFor(() => fx.sim.store.getRequest(id)?.state === 'APPROVED', {
      timeoutMs: 60_000,
      what: 'a request approved by the recreated watcher',
    });
    assert.match((await service.probe('/metrics')).body, /jit_watcher_watcher_recreated_total 1/);
  });

  test('an identity of another cluster swapped in is refused, and enforcement goes on', async () => {
    const other = await createClusterAuthorities('other.example.com');
    await fx.writeIdentity(await issueIdentityFile(other, { user: 'bot', roles: ['jit-watcher'] }));
    const refused = await service.waitForLog(
      (l) => l.level === 'error' && String(l.msg).startsWith('new identity file rejected'),
      'the swapped identity to be refused',
    );
    assert.match(String(refused.msg), /is for cluster "other\.example\.com", not "faults-/);
    await waitFor(
      async () =>
        Object.values((await control.status()).workers).some((w) =>
          /^renewed identity file rejected: it is for cluster "other\.example\.com"/.test(
            w.identityProblem ?? '',
          ),
        ),
      { timeoutMs: 30_000, what: 'status to show the identity problem' },
    );
    assert.equal(service.logs().filter((l) => l.msg === 'identity renewed').length, 0);
    const [id = ''] = fx.createRequests(1, 'after-swap');
    await waitFor(() => fx.sim.store.getRequest(id)?.state === 'APPROVED', {
      timeoutMs: 60_000,
      what: 'a request approved with the kept identity',
    });
  });
});
