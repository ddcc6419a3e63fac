// Ledger benchmark (issue 20): the usage ledger's size and the sweep time with budgets, for N users
// (default 10,000) each with a week of recorded use, beside the same sweeps without budgets, in
// one run. Each user asks for one node (pending); the first sweep approves every request and
// evaluates every user (under budgets each reads its ledger and records its new grant); a full
// evaluation follows (setPolicy), where each user's ledger is read and nothing is written.
// The ledger's shards are seeded with the week directly (their start input), not through writes.
// With `--landed REV` (default this branch's fork point from main, `none` for this tree alone) the
// landed build's rows run beside this tree's, each size on one build then the other.
// Usage: npm run bench:ledger [-- 1000 10000] [--landed REV] (builds first: the worker runs
// compiled).
import { Client, Connection } from '@temporalio/client';
import { defaultPolicy } from '../src/policy/policy';
import type { Policy } from '../src/policy/types';
import type { UsageSpan } from '../src/policy/usage';
import { CLIENT_CHANNEL_ARGS } from '../src/temporal/connection';
import { ensureWatcher, type WatcherControl } from '../src/temporal/control';
import { LEDGER_SHARDS, ledgerShard, ledgerWorkflowId } from '../src/temporal/names';
import { temporalUsageLedger } from '../src/temporal/usageLedger';
import type { LedgerInput } from '../src/temporal/workflows/ledger';
import { mergeWrite, type LedgerBook } from '../src/temporal/workflows/ledgerBook';
import { benchArgs } from './args';
import { landedBuilds, takeLandedFlag } from './landedBuild';
import { ROOT, type Build } from './serviceProcess';
import { startSimProcess } from './simProcess';
import { startTemporalTarget } from './temporalTarget';
import { startWorkerProcess } from './workerProcess';
import { sweepsDone } from './watcherSweeps';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

interface Row {
  users: number;
  build: string;
  mode: string;
  firstSeconds: number;
  fullSeconds: number;
  ledgerKiB: number;
  largestShardKiB: number;
  spans: number;
  rssMiB: number;
}

const BUDGETS: Partial<Policy> = {
  environments: [{ pattern: '^node-access$', budget: { hours: 40, per: '7d' } }],
};

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const landed = takeLandedFlag(argv);
  const { positional } = benchArgs(argv, {}, 'ledger [USERS ...] [--landed REV]');
  const builds: Build[] = [
    ...landedBuilds(ROOT, landed, (line) => console.error(line)),
    { label: 'this tree', dir: ROOT },
  ];
  const server = await startTemporalTarget();
  const connection = await Connection.connect({
    address: server.address,
    channelArgs: CLIENT_CHANNEL_ARGS,
  });
  const client = new Client({ connection });
  const rows: Row[] = [];
  try {
    for (const users of positional.length > 0 ? positional : [10_000]) {
      for (const build of builds) {
        rows.push(await run(users, false, build, client, server.address));
        rows.push(await run(users, true, build, client, server.address));
        console.error(`done: ${users}, ${build.label}`);
        printRows(rows.slice(-2));
      }
    }
  } finally {
    await connection.close();
    await server.stop();
  }
  printRows(rows);
}

function printRows(rows: Row[]): void {
  console.log(
    '| users | build | budgets | first sweep | full evaluation | ledger (all shards) | largest shard | spans | worker RSS (peak) |',
  );
  console.log('|---:|---|---|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(
      `| ${r.users} | ${r.build} | ${r.mode} | ${r.firstSeconds.toFixed(2)} s | ${r.fullSeconds.toFixed(2)} s | ${r.ledgerKiB.toFixed(0)} KiB | ${r.largestShardKiB.toFixed(1)} KiB | ${r.spans} | ${r.rssMiB} MiB |`,
    );
  }
}

async function run(
  users: number,
  budgets: boolean,
  build: Build,
  client: Client,
  temporalAddress: string,
): Promise<Row> {
  const sim = await startSimProcess();
  const taskQueue = `bench-ledger-${users}-${budgets ? 'b' : 'n'}-${Date.now()}`;
  const cluster = sim.cluster.clusterName;
  const worker = startWorkerProcess({
    teleportAddress: sim.cluster.authAddress,
    identityFile: sim.cluster.watcherIdentity,
    temporalAddress,
    taskQueue,
    buildDir: build.dir,
  });
  try {
    const names = Array.from({ length: users }, (_, i) => `lw-user-${i}`);
    await createOnePerUser(sim.admin, names);
    if (budgets) await seedWeek(client, taskQueue, cluster, names, new Date());
    const policy = { ...defaultPolicy(), ...(budgets ? BUDGETS : {}) };
    const control = await ensureWatcher(client, taskQueue, {
      cluster,
      policy,
      pollIntervalMs: 3_600_000,
      fullEvaluationIntervalMs: 3_600_000,
    });
    await sweepsDone(control, worker, 1, 'the first sweep', { idle: true });
    const firstSeconds = lastSweepSeconds(await control.status());
    await control.setPolicy(policy);
    await sweepsDone(control, worker, 2, 'the full evaluation', { idle: true });
    const fullSeconds = lastSweepSeconds(await control.status());
    // Without budgets there is no ledger; and an earlier run's shards (terminated) answer queries
    // only through a worker on that run's task queue, long gone.
    const sizes = budgets ? await temporalUsageLedger(client, taskQueue).sizes(cluster) : [];
    await control.handle.terminate('bench over');
    await Promise.all(
      sizes.map((s) =>
        client.workflow.getHandle(ledgerWorkflowId(cluster, s.shard)).terminate('bench over'),
      ),
    );
    return {
      users,
      build: build.label,
      mode: budgets ? 'hours budget, a week of use' : 'none',
      firstSeconds,
      fullSeconds,
      ledgerKiB: sizes.reduce((n, s) => n + s.bytes, 0) / 1024,
      largestShardKiB: Math.max(0, ...sizes.map((s) => s.bytes)) / 1024,
      spans: sizes.reduce((n, s) => n + s.spans, 0),
      rssMiB: worker.peakRssMiB(),
    };
  } finally {
    await worker.stop();
    await sim.stop();
  }
}

async function createOnePerUser(
  admin: Awaited<ReturnType<typeof startSimProcess>>['admin'],
  names: string[],
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < names.length) {
        const i = next++;
        await admin.createRequest({
          user: names[i]!,
          roles: ['node-access'],
          resources: [{ clusterName: 'bench', kind: 'node', name: `lw-node-${i}` }],
        });
      }
    }),
  );
}

/** A week of use per user, one hour a day, written as each shard's start input. */
async function seedWeek(
  client: Client,
  taskQueue: string,
  cluster: string,
  names: string[],
  now: Date,
): Promise<void> {
  const books: LedgerBook[] = Array.from({ length: LEDGER_SHARDS }, () => ({}));
  const since = new Date(now.getTime() - 8 * DAY).toISOString();
  for (const user of names) {
    const spans: UsageSpan[] = Array.from({ length: 7 }, (_, day) => {
      const start = new Date(now.getTime() - (7 - day) * DAY);
      return {
        requestId: `${user}-day-${day}`,
        environment: '^node-access$',
        start: start.toISOString(),
        end: new Date(start.getTime() + HOUR).toISOString(),
        grantedAt: start.toISOString(),
      };
    });
    const shard = ledgerShard(user);
    books[shard] = mergeWrite(books[shard]!, {
      usage: [{ user, since, spans }],
      retainMs: 8 * DAY,
      now: now.toISOString(),
    });
  }
  await Promise.all(
    books.map((book, shard) => {
      const input: LedgerInput = { cluster, shard, book };
      return client.workflow.start('ledger', {
        taskQueue,
        workflowId: ledgerWorkflowId(cluster, shard),
        args: [input],
      });
    }),
  );
}

function lastSweepSeconds(status: Awaited<ReturnType<WatcherControl['status']>>): number {
  const last = status.lastSweep;
  if (!last) throw new Error('no sweep recorded');
  return (Date.parse(last.finishedAt) - Date.parse(last.startedAt)) / 1000;
}

void main().catch((err: unknown) => {
  const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
  console.error(`${err instanceof Error ? err.message : String(err)}${cause}`);
  process.exit(1);
});
