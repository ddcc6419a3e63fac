// The embedded Temporal dev server lives and dies with the service: kill -9 of the service in the
// middle of a sweep of 2,000 requests leaves no Temporal process, and a restart on the same
// database finishes the sweep with nothing lost and nothing doubled; kill -9 of the dev server
// under a running service restarts it and enforcement resumes; a server this process did not
// start is never adopted silently.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { startDevServer } from '../../src/temporal/devServer';
import { JIT_REQUEST_IDS } from '../../src/temporal/searchAttributes';
import { freePort } from '../../src/util/freePort';
import { waitFor } from '../../src/util/waitFor';
import { doubled, faultFixture, type FaultFixture } from './fixture';
import {
  processesMentioning,
  startServiceProcess,
  waitForNoProcess,
  type ServiceProcess,
} from './serviceProcess';

const SWEEP_SIZE = 2_000;

async function embeddedService(fx: FaultFixture, ports: number[]): Promise<ServiceProcess> {
  const [port = 0, uiPort = 0] = ports;
  return startServiceProcess({
    proxyAddress: fx.sim.proxyAddress,
    identityPath: fx.identityPath,
    flags: [
      ...['--temporal-dev-port', String(port), '--temporal-dev-ui-port', String(uiPort)],
      ...['--temporal-dev-db', path.join(fx.dir, 'temporal.db')],
      '-poll-interval=5s',
    ],
  });
}

/** The most request ids one sweep run of the server's carries in its own search attributes. */
async function mostIdsOnARun(address: string): Promise<number> {
  const connection = await Connection.connect({ address });
  try {
    const client = new Client({ connection });
    let most = 0;
    for await (const run of client.workflow.list({ query: `WorkflowType = 'sweep'` }))
      most = Math.max(most, run.typedSearchAttributes.get(JIT_REQUEST_IDS)?.length ?? 0);
    return most;
  } finally {
    await connection.close();
  }
}

/** The service's last log lines, for a failure message: what it was doing when the wait ran out. */
function lastLines(service: ServiceProcess): string {
  const json = service
    .logs()
    .slice(-12)
    .map((l) => JSON.stringify(l));
  return [...service.plainLines().slice(-6), ...json].join(' | ');
}

describe('the embedded dev server', () => {
  test('kill -9 mid-sweep of 2,000: no Temporal left; a restart loses and doubles nothing', async () => {
    const fx = await faultFixture();
    const db = path.join(fx.dir, 'temporal.db');
    const ports = [await freePort(), await freePort()];
    try {
      let service = await embeddedService(fx, ports);
      const ids = fx.createRequests(SWEEP_SIZE, 'kim');
      await waitFor(() => fx.approvals.size >= 100, {
        timeoutMs: 180_000,
        intervalMs: 10,
        what: 'the sweep to be under way',
      });
      service.kill('SIGKILL');
      await service.exited;
      assert.ok(fx.approvals.size < SWEEP_SIZE, 'killed before the sweep finished');
      await waitForNoProcess(db, 'the dev server to die with the service');

      service = await embeddedService(fx, ports);
      await waitFor(() => ids.every((id) => fx.sim.store.getRequest(id)?.state === 'APPROVED'), {
        timeoutMs: 300_000,
        intervalMs: 250,
        what: `all ${SWEEP_SIZE} requests approved after the restart`,
      });
      assert.equal(fx.approvals.size, SWEEP_SIZE, '0 lost');
      assert.deepEqual(doubled(fx.approvals), [], '0 doubled');
      // The service raised the server's cap on a search attribute value: a run's own attributes
      // hold more request ids than Temporal's default 2 KiB allows (~46).
      await waitFor(async () => (await mostIdsOnARun(`127.0.0.1:${ports[0]}`)) > 46, {
        timeoutMs: 60_000,
        intervalMs: 500,
        what: 'a sweep run indexing more than 2 KiB of request ids',
      });
      service.kill('SIGTERM');
      const exit = await service.exited;
      assert.equal(exit.code, 0, `a clean stop exits 0: ${lastLines(service)}`);
      await waitForNoProcess(db, 'the dev server to stop with the service');
    } finally {
      for (const pid of processesMentioning(db)) process.kill(pid, 'SIGKILL');
      await fx.close();
    }
  });

  test('kill -9 of the dev server: restarted on the same database, enforcement resumes', async () => {
    const fx = await faultFixture();
    const db = path.join(fx.dir, 'temporal.db');
    const service = await embeddedService(fx, [await freePort(), await freePort()]);
    try {
      const [first = ''] = fx.createRequests(1, 'before');
      await waitFor(() => fx.sim.store.getRequest(first)?.state === 'APPROVED', {
        timeoutMs: 60_000,
        what: 'a first request approved',
      });
      // The temporal binary itself, not its watchdog nor the service (both mention the database).
      const temporalPids = processesMentioning(db).filter((pid) =>
        /(^|\/)temporal$/.test(
          fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? '',
        ),
      );
      assert.ok(temporalPids.length > 0, 'the dev server runs');
      for (const pid of temporalPids) process.kill(pid, 'SIGKILL');
      await service.waitForLog(
        (l) => String(l.msg).startsWith('embedded Temporal dev server exited'),
        'the service to notice the dev server died',
      );
      const [second = ''] = fx.createRequests(1, 'after');
      await service.waitWhileRunning(
        () => fx.sim.store.getRequest(second)?.state === 'APPROVED',
        'a request approved after the dev server came back',
        120_000,
      );
      assert.deepEqual(doubled(fx.approvals), []);
    } finally {
      service.kill('SIGTERM');
      await service.exited;
      await waitForNoProcess(db, 'the dev server to stop with the service');
      await fx.close();
    }
  });

  test('a dev server it did not start is refused in one line, not adopted', async () => {
    const fx = await faultFixture();
    const stranger = await startDevServer({ port: await freePort() });
    try {
      const port = Number(stranger.address.split(':')[1]);
      const service = await startServiceProcess({
        proxyAddress: fx.sim.proxyAddress,
        identityPath: fx.identityPath,
        flags: [
          '--temporal-dev-port',
          String(port),
          '--temporal-dev-ui-port',
          String(await freePort()),
        ],
        readyMessage: 'never',
      }).catch((err: Error) => err);
      assert.ok(service instanceof Error);
      assert.match(
        service.message,
        new RegExp(
          `jit-watcher: a Temporal server this process did not start is already listening on 127\\.0\\.0\\.1:${port}`,
        ),
      );
    } finally {
      await stranger.stop();
      await fx.close();
    }
  });
});
