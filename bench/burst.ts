// Burst benchmark (issue 23): N requests created at once, one node each, five per user, against
// `jit-watcher run` with its defaults (event stream on, default policy, so 2 of every 5 are locked)
// and the embedded dev server, with the deployed NODE_OPTIONS and MALLOC_ARENA_MAX. Measures the
// time from the last create to the last decision and to the last lock, the CPU (utime + stime from
// /proc) and peak RSS (VmHWM) of the worker, of the Temporal server and of the dev server's
// watchdog, and what the burst became in workflow terms (sweeps, runs, workflow tasks, local
// activities, where the tasks waited). The landed build (a commit, built once into a cache
// directory by bench/landedBuild.ts) runs beside the working tree's, interleaved, in one run.
// Usage: npm run bench:burst [-- 1000 10000] [--reps N] [--idle SECONDS] [--landed REV]
//   [--concurrency N] (--landed: default this branch's fork point from main; none: this tree only). JIT_BENCH_NODE runs the workers on another
// node (scripts/install-node24.sh), JIT_BENCH_NODE_ARGS adds node flags (--cpu-prof), and
// JIT_BENCH_TREE_ENV (`NAME=value ...`) sets variables for this tree's workers only: a setting
// measured against the landed build without a commit.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { isWatcherLock } from '../src/policy/decision';
import { CLIENT_CHANNEL_ARGS } from '../src/temporal/connection';
import { watcherControl } from '../src/temporal/control';
import { StopWaiting, waitFor } from '../src/util/waitFor';
import { benchArgs } from './args';
import { landedBuilds, takeLandedFlag } from './landedBuild';
import {
  cpuSeconds,
  diff,
  loadAverage,
  perProc,
  ROOT,
  startService,
  statusKiB,
  type Build,
  type ProcName,
  type Service,
} from './serviceProcess';
import { startSimProcess, type SimProcess } from './simProcess';

interface Row {
  build: string;
  size: number;
  rep: number;
  load: string;
  decidedS: number;
  lockedS: number;
  idleS: number;
  cpu: Record<ProcName, number>;
  peak: Record<ProcName, number>;
  shape: Shape;
  /** The SDK's counters over the burst (temporal_*_total and histogram counts), summed over labels. */
  counters: Record<string, number>;
  idle?: { seconds: number; cpu: Record<ProcName, number>; rss: Record<ProcName, number> };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  // What this branch changed: its fork point from main, unless a commit is named.
  const landedRev = takeLandedFlag(argv);
  const { flags, positional } = benchArgs(
    argv,
    { reps: 1, idle: 0, concurrency: 1_000 },
    'burst [--reps N] [--idle SECONDS] [--concurrency N] [--landed REV] [SIZE ...]',
  );
  const sizes = positional.length > 0 ? positional : [1_000, 10_000];
  const builds: Build[] = landedBuilds(ROOT, landedRev, progress);
  builds.push({ label: 'this tree', dir: ROOT });
  const rows: Row[] = [];
  for (let rep = 1; rep <= flags.reps; rep++) {
    for (const size of sizes) {
      // Interleaved: each build's burst of this size follows the other's, so drift in the
      // machine's load falls on both.
      const order = rep % 2 === 1 ? builds : [...builds].reverse();
      for (const build of order) {
        progress(`rep ${rep}: burst of ${size} on ${build.label} (${loadAverage()})`);
        const row = await burst(build, size, rep, flags.idle, flags.concurrency);
        rows.push(row);
        console.error(`burst: ${formatRow(row)}`);
      }
    }
  }
  printTables(rows);
}

function progress(line: string): void {
  console.error(`[${new Date().toISOString()}] ${line}`);
}

/** Watches the cluster: when each request leaves PENDING, and each watcher lock appears. */
class Outcomes {
  decided = new Map<string, number>();
  locks = new Map<string, number>();
  private readonly controller = new AbortController();
  ready: Promise<void>;

  constructor(sim: SimProcess) {
    let markReady!: () => void;
    this.ready = new Promise((r) => (markReady = r));
    void (async () => {
      for await (const e of sim.admin.watch({
        kinds: ['access_request', 'lock'],
        signal: this.controller.signal,
      })) {
        if (e.type === 'init') markReady();
        if (e.type !== 'put') continue;
        const now = performance.now();
        if (e.kind === 'access_request' && e.request.state !== 'PENDING') {
          if (!this.decided.has(e.request.id)) this.decided.set(e.request.id, now);
        } else if (e.kind === 'lock' && isWatcherLock(e.lock.name)) {
          if (!this.locks.has(e.lock.name)) this.locks.set(e.lock.name, now);
        }
      }
    })().catch(() => undefined);
  }

  stop(): void {
    this.controller.abort();
  }
}

async function burst(
  build: Build,
  size: number,
  rep: number,
  idleSeconds: number,
  concurrency: number,
): Promise<Row> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jit-bench-burst-'));
  const sim = await startSimProcess();
  const outcomes = new Outcomes(sim);
  let service: Service | undefined;
  let connection: Connection | undefined;
  try {
    await outcomes.ready;
    service = await startService(build, sim, dir);
    // Its larger receive limit: a page of a 10,000 sweep run's history passes 4 MiB.
    connection = await Connection.connect({
      address: service.address,
      channelArgs: CLIENT_CHANNEL_ARGS,
    });
    const client = new Client({ connection });
    const control = watcherControl(client, sim.cluster.clusterName);
    const live = service;
    const idleWatcher = async (what: string, timeoutMs: number): Promise<void> => {
      await waitFor(
        async () => {
          const exited = live.exited();
          if (exited) throw new StopWaiting(exited);
          const status = await control.status().catch(() => undefined);
          return !!status && status.sweeps > 0 && !status.currentSweep && !status.sweepQueued;
        },
        { timeoutMs, intervalMs: 100, what },
      );
    };
    await idleWatcher('the start-up sweep', 120_000);
    let idle: Row['idle'];
    if (idleSeconds > 0) {
      const before = perProc(service.tree, cpuSeconds);
      await new Promise((r) => setTimeout(r, idleSeconds * 1000));
      const after = perProc(service.tree, cpuSeconds);
      idle = {
        seconds: idleSeconds,
        cpu: diff(after, before),
        rss: perProc(service.tree, (pid) => statusKiB(pid, 'VmRSS') / 1024),
      };
    }
    const load = loadAverage();
    const sweepsBefore = (await control.status()).sweeps;
    const countersBefore = await sdkCounters(service.metricsUrl);
    const cpuBefore = perProc(service.tree, cpuSeconds);
    const burstStart = new Date();
    const ids = await createBurst(sim, size, concurrency);
    const lastCreate = performance.now();
    const wantLocks = Math.round((size / 5) * 2);
    await waitFor(
      () => {
        const exited = live.exited();
        if (exited) throw new StopWaiting(exited);
        return ids.every((id) => outcomes.decided.has(id)) && outcomes.locks.size >= wantLocks;
      },
      {
        timeoutMs: 30 * 60_000,
        intervalMs: 50,
        what: `${size} decisions and ${wantLocks} locks (${build.label})`,
      },
    );
    const lastDecision = Math.max(...ids.map((id) => outcomes.decided.get(id) ?? NaN));
    const lastLock = Math.max(...outcomes.locks.values());
    await idleWatcher('the watcher to be idle after the burst', 30 * 60_000);
    const idleAt = performance.now();
    const cpu = diff(perProc(service.tree, cpuSeconds), cpuBefore);
    const peak = perProc(service.tree, (pid) => statusKiB(pid, 'VmHWM') / 1024);
    const sweepsAfter = (await control.status()).sweeps;
    const countersAfter = await sdkCounters(service.metricsUrl);
    const counters: Record<string, number> = {};
    for (const [name, value] of Object.entries(countersAfter)) {
      const delta = value - (countersBefore[name] ?? 0);
      if (delta > 0) counters[name] = delta;
    }
    const shape = await burstShape(client, service.taskQueue, burstStart).catch(
      (err: unknown): Shape => {
        console.error(`burst: no shape (${err instanceof Error ? err.message : String(err)})`);
        return { ...EMPTY_SHAPE };
      },
    );
    shape.sweeps = sweepsAfter - sweepsBefore;
    return {
      build: build.label,
      size,
      rep,
      load,
      decidedS: (lastDecision - lastCreate) / 1000,
      lockedS: (lastLock - lastCreate) / 1000,
      idleS: (idleAt - lastCreate) / 1000,
      cpu,
      peak,
      shape,
      counters,
      ...(idle ? { idle } : {}),
    };
  } finally {
    outcomes.stop();
    await connection?.close();
    await service?.stop();
    await sim.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Counters and histogram counts the SDK exports, each summed over its labels. */
async function sdkCounters(url: string): Promise<Record<string, number>> {
  const text = await (await fetch(url)).text();
  const counters: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const m = /^(temporal_[a-z_]+?(?:_total|_count))(?:\{[^}]*\})? ([0-9.e+]+)$/.exec(line);
    if (m?.[1] && m[2]) counters[m[1]] = (counters[m[1]] ?? 0) + Number(m[2]);
  }
  return counters;
}

/** `size` requests, one node each, five per user, at most `concurrency` creates in flight. */
async function createBurst(sim: SimProcess, size: number, concurrency: number): Promise<string[]> {
  const users = Math.max(1, Math.round(size / 5));
  const ids: string[] = new Array<string>(size);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, size) }, async () => {
      while (next < size) {
        const i = next++;
        const request = await sim.admin.createRequest({
          user: `burst-user-${i % users}`,
          roles: ['node-access'],
          resources: [{ clusterName: 'bench', kind: 'node', name: `burst-node-${i}` }],
        });
        ids[i] = request.id;
      }
    }),
  );
  return ids;
}

/** What the burst became in workflow terms, from the histories of the sweeps it caused. */
interface Shape {
  sweeps: number;
  runs: number;
  events: number;
  workflowTasks: number;
  localActivities: number;
  indexChildren: number;
  /** Workflow tasks: scheduled to started (waiting for the worker), started to completed. */
  taskWaitS: number;
  taskRunS: number;
  /** Regular activities (page and holdings reads): scheduled to completed. */
  readS: number;
}

const EMPTY_SHAPE: Shape = {
  sweeps: 0,
  runs: 0,
  events: 0,
  workflowTasks: 0,
  localActivities: 0,
  indexChildren: 0,
  taskWaitS: 0,
  taskRunS: 0,
  readS: 0,
};

async function burstShape(client: Client, taskQueue: string, since: Date): Promise<Shape> {
  const shape: Shape = { ...EMPTY_SHAPE };
  const { EventType } = temporal.api.enums.v1;
  const query = `TaskQueue = '${taskQueue}' AND StartTime >= '${since.toISOString()}' AND (WorkflowType = 'sweep' OR WorkflowType = 'decisionIndex')`;
  for await (const run of client.workflow.list({ query })) {
    if (run.type === 'decisionIndex') {
      shape.indexChildren += 1;
      continue;
    }
    shape.runs += 1;
    const history = await client.workflow.getHandle(run.workflowId, run.runId).fetchHistory();
    const at = (e: temporal.api.history.v1.IHistoryEvent): number =>
      Number(e.eventTime?.seconds ?? 0) * 1000 + Math.floor((e.eventTime?.nanos ?? 0) / 1e6);
    const byId = new Map<number, temporal.api.history.v1.IHistoryEvent>();
    for (const e of history.events ?? []) {
      shape.events += 1;
      byId.set(Number(e.eventId), e);
      const ref = (id: unknown): temporal.api.history.v1.IHistoryEvent | undefined =>
        byId.get(Number(id));
      switch (e.eventType) {
        case EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED: {
          const scheduled = ref(e.workflowTaskStartedEventAttributes?.scheduledEventId);
          if (scheduled) shape.taskWaitS += (at(e) - at(scheduled)) / 1000;
          break;
        }
        case EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED: {
          shape.workflowTasks += 1;
          const started = ref(e.workflowTaskCompletedEventAttributes?.startedEventId);
          if (started) shape.taskRunS += (at(e) - at(started)) / 1000;
          break;
        }
        case EventType.EVENT_TYPE_MARKER_RECORDED:
          shape.localActivities += 1;
          break;
        case EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED: {
          const scheduled = ref(e.activityTaskCompletedEventAttributes?.scheduledEventId);
          if (scheduled) shape.readS += (at(e) - at(scheduled)) / 1000;
          break;
        }
        default:
      }
    }
  }
  return shape;
}

const s = (v: number): string => `${v.toFixed(1)} s`;
const mib = (v: number): string => `${Math.round(v)}`;

function formatRow(r: Row): string {
  const idle = r.idle
    ? ` idle ${r.idle.seconds} s: CPU ${r.idle.cpu.worker.toFixed(2)} / ${r.idle.cpu.temporal.toFixed(2)} s, RSS ${mib(r.idle.rss.worker)} / ${mib(r.idle.rss.temporal)} / ${mib(r.idle.rss.watchdog)} MiB;`
    : '';
  return `| ${r.build} | ${r.size} | ${r.rep} | ${r.load} | ${s(r.decidedS)} | ${s(r.lockedS)} | ${s(r.idleS)} | ${s(r.cpu.worker)} | ${s(r.cpu.temporal)} | ${s(r.cpu.watchdog)} | ${mib(r.peak.worker)} / ${mib(r.peak.temporal)} / ${mib(r.peak.watchdog)} MiB |${idle}`;
}

/** One Markdown table: its header cells, then one row of cells each. */
function table(header: string[], rows: string[][]): void {
  console.log(`| ${header.join(' | ')} |`);
  console.log(`|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`);
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
  console.log('');
}

function printTables(rows: Row[]): void {
  console.log(
    '| build | burst | rep | load (1/5/15 min) | all decided | all locks | watcher idle | CPU worker | CPU Temporal | CPU watchdog | peak RSS worker / Temporal / watchdog |',
  );
  console.log('|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) console.log(formatRow(r));
  console.log('');
  table(
    [
      'build',
      'burst',
      'rep',
      'sweeps',
      'runs',
      'events',
      'workflow tasks',
      'local activities',
      'index children',
      'task wait (sched→start)',
      'task run (start→done)',
      'reads (sched→done)',
    ],
    rows.map((r) => {
      const x = r.shape;
      return [
        r.build,
        String(r.size),
        String(r.rep),
        String(x.sweeps),
        String(x.runs),
        String(x.events),
        String(x.workflowTasks),
        String(x.localActivities),
        String(x.indexChildren),
        s(x.taskWaitS),
        s(x.taskRunS),
        s(x.readS),
      ];
    }),
  );
  const names = [...new Set(rows.flatMap((r) => Object.keys(r.counters)))].sort();
  table(
    ['SDK counter (over the burst)', ...rows.map((r) => `${r.build}, ${r.size}, rep ${r.rep}`)],
    names.map((name) => [name, ...rows.map((r) => String(Math.round(r.counters[name] ?? 0)))]),
  );
  const idle = rows.flatMap((r) => (r.idle ? [{ r, i: r.idle }] : []));
  table(
    [
      'build',
      'rep',
      'idle for',
      'CPU worker / Temporal / watchdog',
      'RSS worker / Temporal / watchdog',
    ],
    idle.map(({ r, i }) => [
      r.build,
      String(r.rep),
      `${i.seconds} s`,
      `${i.cpu.worker.toFixed(2)} / ${i.cpu.temporal.toFixed(2)} / ${i.cpu.watchdog.toFixed(2)} s`,
      `${mib(i.rss.worker)} / ${mib(i.rss.temporal)} / ${mib(i.rss.watchdog)} MiB`,
    ]),
  );
}

main().catch((err: unknown) => {
  console.error(`bench: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
