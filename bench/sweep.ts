// Sweep benchmark: for 100, 1,000 and 10,000 open requests (users = 20% of requests), the wall time
// of a first sweep (every request pending: approve all, then lock what exceeds the limit) and of
// a sweep where nothing changed, with the Temporal events per sweep, the largest payload in the
// sweep's histories and this worker process's peak RSS. Prints a Markdown table.
// Usage: npm run bench:sweep [-- 100 1000 10000]
import { CLIENT_CHANNEL_ARGS } from '../src/temporal/connection';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { temporal } from '@temporalio/proto';
import { defaultPolicy } from '../src/policy/policy';
import { GrpcTeleportClient } from '../src/teleport/client';
import { readIdentityFile } from '../src/teleport/identityFile';
import { ensureWatcher, type WatcherControl } from '../src/temporal/control';
import { startDevServer } from '../src/temporal/devServer';
import { createWorker } from '../src/temporal/worker';
import { silentLogger } from '../src/util/logger';
import { waitFor } from '../src/util/waitFor';
import {
  createRequests,
  sampleRss,
  startSimProcess,
  usePrebuiltWorkflowBundle,
} from './simProcess';

interface Row {
  requests: number;
  sweep: 'first' | 'no change';
  seconds: number;
  runs: number;
  events: number;
  largestPayloadKiB: number;
  rssMiB: number;
}

async function main(): Promise<void> {
  const sizes = process.argv
    .slice(2)
    .map(Number)
    .filter((n) => n > 0);
  usePrebuiltWorkflowBundle();
  const rows: Row[] = [];
  const server = await startDevServer({ dynamicConfig: {} });
  const connection = await Connection.connect({
    address: server.address,
    channelArgs: CLIENT_CHANNEL_ARGS,
  });
  const native = await NativeConnection.connect({ address: server.address });
  const client = new Client({ connection });
  try {
    for (const size of sizes.length > 0 ? sizes : [100, 1_000, 10_000]) {
      rows.push(...(await benchSize(size, client, native)));
      console.error(`done: ${size}`);
    }
  } finally {
    await connection.close();
    await native.close();
    await server.stop();
  }
  console.log(
    '| open requests | sweep | wall time | runs | Temporal events | largest payload | worker RSS |',
  );
  console.log('|---:|---|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(
      `| ${r.requests} | ${r.sweep} | ${r.seconds.toFixed(2)} s | ${r.runs} | ${r.events} | ${r.largestPayloadKiB.toFixed(1)} KiB | ${r.rssMiB} MiB |`,
    );
  }
}

async function benchSize(size: number, client: Client, native: NativeConnection): Promise<Row[]> {
  const sim = await startSimProcess();
  const teleport = await GrpcTeleportClient.connect({
    address: sim.cluster.authAddress,
    identity: await readIdentityFile(sim.cluster.watcherIdentity),
    callTimeoutMs: 30_000,
  });
  const taskQueue = `bench-${size}-${Date.now()}`;
  const worker = await createWorker({
    connection: native,
    namespace: 'default',
    taskQueue,
    deps: { teleport: () => teleport, log: silentLogger },
  });
  const rows: Row[] = [];
  await worker.runUntil(async () => {
    await createRequests(sim.admin, size, `b${size}`);
    const control = await ensureWatcher(client, taskQueue, {
      cluster: `${sim.cluster.clusterName}-${size}`,
      policy: defaultPolicy(),
      pollIntervalMs: 3_600_000,
      fullEvaluationIntervalMs: 3_600_000,
    });
    await waitFor(async () => (await control.status()).sweeps >= 1, {
      timeoutMs: 30 * 60_000,
      intervalMs: 200,
      what: 'the start-up sweep',
    });
    // The watcher sweeps once at start: that is the first sweep. Then one where nothing changed.
    rows.push(await measured(size, 'first', control, client, () => Promise.resolve()));
    rows.push(await measured(size, 'no change', control, client, () => control.sweepNow()));
    await control.handle.terminate('bench over');
  });
  teleport.close();
  await sim.stop();
  return rows;
}

async function measured(
  size: number,
  sweep: Row['sweep'],
  control: WatcherControl,
  client: Client,
  trigger: () => Promise<void>,
): Promise<Row> {
  const rss = sampleRss();
  const before = await control.status();
  await trigger();
  const status =
    sweep === 'first'
      ? before
      : await waitFor(
          async () => {
            const s = await control.status();
            return s.sweeps > before.sweeps ? s : undefined;
          },
          { timeoutMs: 30 * 60_000, intervalMs: 100, what: 'the sweep' },
        );
  const last = status.lastSweep;
  if (!last) throw new Error('no sweep recorded');
  const { runs, events, largest } = await historyFigures(client, last.id);
  return {
    requests: size,
    sweep,
    seconds: (Date.parse(last.finishedAt) - Date.parse(last.startedAt)) / 1000,
    runs,
    events,
    largestPayloadKiB: largest / 1024,
    rssMiB: rss(),
  };
}

/** Events and the largest payload over every run (continue-as-new) of one sweep. */
async function historyFigures(
  client: Client,
  workflowId: string,
): Promise<{ runs: number; events: number; largest: number }> {
  let runs = 0;
  let events = 0;
  let largest = 0;
  const query = `WorkflowId = '${workflowId}'`;
  await waitFor(async () => (await client.workflow.count(query)).count > 0, {
    what: 'visibility',
  });
  for await (const run of client.workflow.list({ query })) {
    runs += 1;
    const history = await client.workflow.getHandle(run.workflowId, run.runId).fetchHistory();
    for (const event of history.events ?? []) {
      events += 1;
      largest = Math.max(largest, largestPayload(event));
    }
  }
  return { runs, events, largest };
}

function largestPayload(event: temporal.api.history.v1.IHistoryEvent): number {
  const groups = [
    event.workflowExecutionStartedEventAttributes?.input,
    event.activityTaskScheduledEventAttributes?.input,
    event.activityTaskCompletedEventAttributes?.result,
    event.workflowExecutionCompletedEventAttributes?.result,
    event.workflowExecutionContinuedAsNewEventAttributes?.input,
  ];
  let max = 0;
  for (const group of groups)
    for (const p of group?.payloads ?? []) max = Math.max(max, p.data?.length ?? 0);
  return max;
}

main().catch((err: unknown) => {
  console.error(`bench: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
