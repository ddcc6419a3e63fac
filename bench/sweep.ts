// Sweep benchmark: for 100, 1,000 and 10,000 open requests (users = 20% of requests), the wall time
// of a first sweep (every request pending: approve all, then lock what exceeds the limit) and of
// a sweep where nothing changed, with the Temporal events per sweep, the largest payload in the
// sweep's histories, the largest workflow task and the worker process's peak RSS. Prints a Markdown
// table. Then, per size, whether every decision of the first sweep is findable: each request and
// user in some run's or index child's search attributes, and `decisions --request` / `--user`
// timed on a sample.
// With --expired-locks=N, a third sweep follows once the cluster also holds N ended watcher locks
// of the kind older watchers left (Spec.Expires only, so Teleport never deletes them).
// Usage: npm run bench:sweep [-- 100 1000 10000] [-- --expired-locks=50000] (builds first: the
// worker runs compiled);
// JIT_BENCH_TEMPORAL=production runs it against the production server (bench/temporalTarget.ts).
import { Client, Connection } from '@temporalio/client';
import { defaultPolicy } from '../src/policy/policy';
import { CLIENT_CHANNEL_ARGS } from '../src/temporal/connection';
import { ensureWatcher, type WatcherControl } from '../src/temporal/control';
import { findDecisions } from '../src/temporal/decisionLog';
import { JIT_REQUEST_IDS, JIT_USERS } from '../src/temporal/searchAttributes';
import { GrpcTeleportClient } from '../src/teleport/client';
import { readIdentityFile } from '../src/teleport/identityFile';
import { waitFor } from '../src/util/waitFor';
import { watcherLockName } from '../src/policy/decision';
import { benchArgs } from './args';
import { historyFigures } from './historyFigures';
import { createRequests, startSimProcess, type SimProcess } from './simProcess';
import { startTemporalTarget } from './temporalTarget';
import { startWorkerProcess, type WorkerProcess } from './workerProcess';
import { sweepsDone } from './watcherSweeps';

interface Row {
  requests: number;
  sweep: string;
  seconds: number;
  runs: number;
  events: number;
  largestPayloadKiB: number;
  largestTaskMiB: number;
  rssMiB: number;
}

async function main(): Promise<void> {
  const { flags, positional: sizes } = benchArgs(
    process.argv.slice(2),
    { 'expired-locks': 0 },
    'sweep [--expired-locks N] [SIZE ...]',
  );
  const expiredLocks = flags['expired-locks'];
  const rows: Row[] = [];
  const found: Findability[] = [];
  const server = await startTemporalTarget();
  const connection = await Connection.connect({
    address: server.address,
    channelArgs: CLIENT_CHANNEL_ARGS,
  });
  const client = new Client({ connection });
  try {
    for (const size of sizes.length > 0 ? sizes : [100, 1_000, 10_000]) {
      const [measuredRows, findability] = await benchSize(
        size,
        client,
        server.address,
        expiredLocks,
      );
      rows.push(...measuredRows);
      found.push(findability);
      console.error(`done: ${size}`);
    }
  } finally {
    await connection.close();
    await server.stop();
  }
  console.log(
    '| open requests | sweep | wall time | runs | Temporal events | largest payload | largest task | worker RSS (peak) |',
  );
  console.log('|---:|---|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(
      `| ${r.requests} | ${r.sweep} | ${r.seconds.toFixed(2)} s | ${r.runs} | ${r.events} | ${r.largestPayloadKiB.toFixed(1)} KiB | ${r.largestTaskMiB.toFixed(2)} MiB | ${r.rssMiB} MiB |`,
    );
  }
  console.log('');
  console.log(
    '| open requests | requests findable | users findable | index workflows | decisions --request (median) | decisions --user (median) |',
  );
  console.log('|---:|---:|---:|---:|---:|---:|');
  for (const f of found) {
    console.log(
      `| ${f.requests} | ${f.requestsFound} | ${f.usersFound} | ${f.indexWorkflows} | ${f.byRequestMs} ms | ${f.byUserMs} ms |`,
    );
  }
}

interface Findability {
  requests: number;
  requestsFound: string;
  usersFound: string;
  indexWorkflows: number;
  byRequestMs: number;
  byUserMs: number;
}

/**
 * Every request and user of the first sweep in some sweep run's or index child's search
 * attributes, and the time `decisions --request` / `--user` take on a sample of 10 each (each
 * checked to find what it looks for).
 */
async function findability(
  size: number,
  client: Client,
  taskQueue: string,
  ids: string[],
  users: string[],
): Promise<Findability> {
  const requestsSeen = new Set<string>();
  const usersSeen = new Set<string>();
  let indexWorkflows = 0;
  const query = `TaskQueue = '${taskQueue}' AND (WorkflowType = 'sweep' OR WorkflowType = 'decisionIndex')`;
  for await (const run of client.workflow.list({ query })) {
    if (run.type === 'decisionIndex') indexWorkflows += 1;
    for (const id of run.typedSearchAttributes.get(JIT_REQUEST_IDS) ?? []) requestsSeen.add(id);
    for (const user of run.typedSearchAttributes.get(JIT_USERS) ?? []) usersSeen.add(user);
  }
  const step = (n: number) => Math.max(1, Math.floor(n / 10));
  const timed = async (probes: string[], find: (p: string) => Promise<boolean>) => {
    const times: number[] = [];
    for (const probe of probes) {
      const start = performance.now();
      if (!(await find(probe))) throw new Error(`decisions missed ${probe}`);
      times.push(performance.now() - start);
    }
    return Math.round(times.sort((a, b) => a - b)[Math.floor(times.length / 2)] ?? 0);
  };
  const byRequestMs = await timed(
    ids.filter((_, i) => i % step(ids.length) === 0).slice(0, 10),
    async (requestId) => (await findDecisions(client, { requestId })).length > 0,
  );
  const byUserMs = await timed(
    users.filter((_, i) => i % step(users.length) === 0).slice(0, 10),
    async (user) => (await findDecisions(client, { user })).length > 0,
  );
  return {
    requests: size,
    requestsFound: `${ids.filter((id) => requestsSeen.has(id)).length} of ${ids.length}`,
    usersFound: `${users.filter((u) => usersSeen.has(u)).length} of ${users.length}`,
    indexWorkflows,
    byRequestMs,
    byUserMs,
  };
}

async function benchSize(
  size: number,
  client: Client,
  temporalAddress: string,
  expiredLocks: number,
): Promise<[Row[], Findability]> {
  const sim = await startSimProcess();
  const taskQueue = `bench-${size}-${Date.now()}`;
  const worker = startWorkerProcess({
    teleportAddress: sim.cluster.authAddress,
    identityFile: sim.cluster.watcherIdentity,
    temporalAddress,
    taskQueue,
  });
  try {
    const ids = await createRequests(sim.admin, size, `b${size}`);
    const control = await ensureWatcher(client, taskQueue, {
      cluster: sim.cluster.clusterName,
      policy: defaultPolicy(),
      pollIntervalMs: 3_600_000,
      fullEvaluationIntervalMs: 3_600_000,
    });
    await sweepsDone(control, worker, 1, 'the start-up sweep');
    // The watcher sweeps once at start: that is the first sweep. Then one where nothing changed.
    const rows = [await measured(size, 'first', control, client, worker)];
    // The users createRequests spreads the requests over (a fifth as many).
    const users = Array.from(
      { length: Math.max(1, Math.round(size * 0.2)) },
      (_, u) => `b${size}-user-${u}`,
    );
    const found = await findability(size, client, taskQueue, ids, users);
    await control.sweepNow();
    await sweepsDone(control, worker, 2, 'the no-change sweep');
    rows.push(await measured(size, 'no change', control, client, worker));
    if (expiredLocks > 0) {
      await addEndedLocks(sim, expiredLocks);
      // Each lock written was an event to the watcher: let the sweeps they asked for finish.
      await waitFor(
        async () => {
          const status = await control.status();
          return !status.currentSweep && !status.sweepQueued;
        },
        { timeoutMs: 30 * 60_000, intervalMs: 500, what: 'the watcher to be idle' },
      );
      const done = (await control.status()).sweeps;
      await control.sweepNow();
      await sweepsDone(control, worker, done + 1, 'the no-change sweep with ended locks');
      const label = `no change, ${expiredLocks.toLocaleString('en')} ended locks`;
      rows.push(await measured(size, label, control, client, worker));
    }
    await control.handle.terminate('bench over');
    return [rows, found];
  } finally {
    await worker.stop();
    await sim.stop();
  }
}

/** Ended watcher locks as older watchers left them: Spec.Expires past, no Metadata.Expires. */
async function addEndedLocks(sim: SimProcess, count: number): Promise<void> {
  const admin = await GrpcTeleportClient.connect({
    address: sim.cluster.authAddress,
    identity: await readIdentityFile(sim.cluster.adminIdentity),
  });
  const ended = new Date(Math.floor(Date.now() / 1000) * 1000 - 3_600_000);
  let next = 0;
  try {
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < count) {
          const i = next++;
          await admin.upsertLockWithoutBackendExpiry({
            name: watcherLockName(`ended-${i}`),
            target: { accessRequest: `ended-${i}` },
            message: 'ended',
            expires: ended,
          });
        }
      }),
    );
  } finally {
    admin.close();
  }
}

async function measured(
  size: number,
  sweep: Row['sweep'],
  control: WatcherControl,
  client: Client,
  worker: WorkerProcess,
): Promise<Row> {
  const last = (await control.status()).lastSweep;
  if (!last) throw new Error('no sweep recorded');
  const { runs, events, largest, largestTask } = await historyFigures(client, last.id);
  return {
    requests: size,
    sweep,
    seconds: (Date.parse(last.finishedAt) - Date.parse(last.startedAt)) / 1000,
    runs,
    events,
    largestPayloadKiB: largest / 1024,
    largestTaskMiB: largestTask / 1024 / 1024,
    rssMiB: worker.peakRssMiB(),
  };
}

/** Events, the largest payload and the largest task over every run (continue-as-new) of one sweep. */
main().catch((err: unknown) => {
  console.error(`bench: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
