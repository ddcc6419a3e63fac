// Idle benchmark (issue 23): what `jit-watcher run` costs when nothing happens. Each variant (a
// build, a node binary, settings) runs with its defaults (30 s poll interval, event stream on,
// embedded dev server, the deployed NODE_OPTIONS and MALLOC_ARENA_MAX) against its own simulated
// cluster; once every start-up sweep has finished, the CPU (utime + stime from /proc) and resident
// memory of the worker and of the Temporal server are read at the end of each window. All variants
// run at once, so the machine's load falls on each alike.
// Usage: npm run bench:idle [-- --minutes N] [--window SECONDS] [--landed REV[,REV...]] (--landed:
// default this branch's fork point from main; none: this tree only). JIT_BENCH_NODES: node binaries, space
// separated (default this one); JIT_BENCH_NODE_ARGS adds node flags (--cpu-prof);
// JIT_BENCH_BUILDS adds builds (`label=dir ...`, each dir holding dist/ and node_modules); this tree's
// settings variants: JIT_BENCH_TREE_VARIANTS (`NAME=value ...;NAME=value ...`, one variant each,
// an empty one for the deployed settings), else JIT_BENCH_TREE_ENV.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { CLIENT_CHANNEL_ARGS } from '../src/temporal/connection';
import { watcherControl, type WatcherControl } from '../src/temporal/control';
import { StopWaiting, waitFor } from '../src/util/waitFor';
import { benchArgs } from './args';
import { landedBuilds, takeLandedFlag } from './landedBuild';
import {
  cpuSeconds,
  diff,
  envPairs,
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

interface Variant {
  label: string;
  build: Build;
  node: string;
  env: Record<string, string>;
}

interface Window {
  cpu: Record<ProcName, number>;
  rss: Record<ProcName, number>;
  load: string;
}

interface Running {
  variant: Variant;
  dir: string;
  sim: SimProcess;
  service: Service;
  connection: Connection;
  control: WatcherControl;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const landedRev = takeLandedFlag(argv);
  const { flags } = benchArgs(
    argv,
    { minutes: 4, window: 30 },
    'idle [--minutes N] [--window SECONDS] [--landed REV[,REV...]]',
  );
  const builds: Array<{ build: Build; envs: Array<Record<string, string>> }> = landedBuilds(
    ROOT,
    landedRev,
    progress,
  ).map((build) => ({ build, envs: [{}] }));
  // Builds made by hand (an experiment's patched copy of dist/): `label=dir ...`.
  for (const [label, dir] of Object.entries(envPairs(process.env.JIT_BENCH_BUILDS ?? ''))) {
    builds.push({ build: { label, dir }, envs: [{}] });
  }
  const treeVariants = process.env.JIT_BENCH_TREE_VARIANTS;
  builds.push({
    build: { label: 'this tree', dir: ROOT },
    envs:
      treeVariants !== undefined
        ? treeVariants.split(';').map((v) => envPairs(v))
        : [envPairs(process.env.JIT_BENCH_TREE_ENV ?? '')],
  });
  const nodes = (process.env.JIT_BENCH_NODES ?? process.execPath).split(' ').filter(Boolean);
  const variants: Variant[] = [];
  for (const node of nodes) {
    const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
    for (const { build, envs } of builds) {
      for (const env of envs) {
        const settings = Object.entries(env)
          .map(([k, v]) => `${k}=${v}`)
          .join(' ');
        variants.push({
          label: `${build.label}, node ${version}${settings ? `, ${settings}` : ''}`,
          build,
          node,
          env,
        });
      }
    }
  }
  const running: Running[] = [];
  try {
    progress(`starting ${variants.length} services (${loadAverage()})`);
    // Started one after another (each start is a CPU burst), measured together.
    for (const variant of variants) running.push(await start(variant));
    await Promise.all(running.map((r) => startUpSweepDone(r)));
    const windows = await measure(running, flags.window, flags.minutes);
    printTables(running, windows, flags.window);
  } finally {
    for (const r of running) await stop(r);
  }
}

function progress(line: string): void {
  console.error(`[${new Date().toISOString()}] ${line}`);
}

async function start(variant: Variant): Promise<Running> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jit-bench-idle-'));
  const sim = await startSimProcess();
  progress(`starting ${variant.label}`);
  let service: Service | undefined;
  try {
    service = await startService(variant.build, sim, dir, {
      node: variant.node,
      env: variant.env,
    });
    const connection = await Connection.connect({
      address: service.address,
      channelArgs: CLIENT_CHANNEL_ARGS,
    });
    const control = watcherControl(new Client({ connection }), sim.cluster.clusterName);
    return { variant, dir, sim, service, connection, control };
  } catch (err) {
    // Not yet among the running ones main stops: what this start began, it stops.
    await service?.stop();
    await sim.stop();
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

async function startUpSweepDone(r: Running): Promise<void> {
  await waitFor(
    async () => {
      const exited = r.service.exited();
      if (exited) throw new StopWaiting(exited);
      const status = await r.control.status().catch(() => undefined);
      return !!status && status.sweeps > 0 && !status.currentSweep && !status.sweepQueued;
    },
    { timeoutMs: 180_000, intervalMs: 500, what: `the start-up sweep (${r.variant.label})` },
  );
}

/** CPU and RSS per window; nothing asks the services anything meanwhile. */
async function measure(running: Running[], windowS: number, minutes: number): Promise<Window[][]> {
  const count = Math.max(1, Math.round((minutes * 60) / windowS));
  const windows: Window[][] = running.map(() => []);
  let before = running.map((r) => perProc(r.service.tree, cpuSeconds));
  progress(`measuring ${count} windows of ${windowS} s (${loadAverage()})`);
  for (let w = 0; w < count; w++) {
    await new Promise((resolve) => setTimeout(resolve, windowS * 1000));
    const load = loadAverage();
    const after = running.map((r) => perProc(r.service.tree, cpuSeconds));
    running.forEach((r, i) => {
      const exited = r.service.exited();
      if (exited) throw new Error(`${r.variant.label}: ${exited}`);
      const [a, b] = [after[i], before[i]];
      if (!a || !b) return;
      windows[i]?.push({
        cpu: diff(a, b),
        rss: perProc(r.service.tree, (pid) => statusKiB(pid, 'VmRSS') / 1024),
        load,
      });
    });
    before = after;
    progress(
      `window ${w + 1}/${count}: worker CPU ${windows.map((ws) => ws[w]?.cpu.worker.toFixed(2)).join(' / ')} s (${load})`,
    );
  }
  return windows;
}

async function stop(r: Running): Promise<void> {
  await r.connection.close().catch(() => undefined);
  await r.service.stop();
  await r.sim.stop();
  fs.rmSync(r.dir, { recursive: true, force: true });
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2;
};
const range = (xs: number[], digits: number): string =>
  xs.length === 0
    ? '-'
    : `${Math.min(...xs).toFixed(digits)}-${Math.max(...xs).toFixed(digits)} (median ${median(xs).toFixed(digits)})`;

function printTables(running: Running[], windows: Window[][], windowS: number): void {
  console.log(
    `| variant | worker CPU, window 1 | worker CPU per ${windowS} s, later windows | Temporal CPU per ${windowS} s, later | worker RSS, first / last | Temporal RSS, last |`,
  );
  console.log('|---|---:|---:|---:|---:|---:|');
  running.forEach((r, i) => {
    const ws = windows[i] ?? [];
    const later = ws.slice(1);
    const first = ws[0];
    const last = ws[ws.length - 1];
    console.log(
      `| ${r.variant.label} | ${first?.cpu.worker.toFixed(2) ?? '-'} s | ${range(
        later.map((w) => w.cpu.worker),
        2,
      )} s | ${range(
        later.map((w) => w.cpu.temporal),
        2,
      )} s | ${Math.round(first?.rss.worker ?? NaN)} / ${Math.round(last?.rss.worker ?? NaN)} MiB | ${Math.round(last?.rss.temporal ?? NaN)} MiB |`,
    );
  });
  console.log('');
  console.log(
    `Worker CPU (s) and RSS (MiB) per ${windowS} s window, in order (load at the window's end: ${windows[0]?.map((w) => w.load.replace('load ', '').split(' ')[0]).join(', ')}):`,
  );
  console.log('');
  running.forEach((r, i) => {
    const ws = windows[i] ?? [];
    console.log(
      `- ${r.variant.label}: CPU ${ws.map((w) => w.cpu.worker.toFixed(2)).join(' ')}; RSS ${ws.map((w) => Math.round(w.rss.worker)).join(' ')}`,
    );
  });
}

main().catch((err: unknown) => {
  console.error(`bench: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
