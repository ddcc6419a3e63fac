// `jit-watcher run` of a build as production starts it (the compiled CLI, the deployed
// NODE_OPTIONS and MALLOC_ARENA_MAX, the embedded dev server on free ports) and its process tree
// read from /proc: the worker, the dev server's watchdog and the Temporal server, each one's CPU
// and memory. Shared by the burst and idle benchmarks, so both measure the same processes.
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from '../src/util/freePort';
import { StopWaiting, waitFor } from '../src/util/waitFor';
import type { SimProcess } from './simProcess';
import { spawnLogged } from './workerProcess';

export const ROOT = path.join(__dirname, '..');
const CLOCK_TICKS = 100; // USER_HZ on Linux

export interface Build {
  label: string;
  /** Directory holding dist/cli/main.js. */
  dir: string;
}

export type ProcName = 'worker' | 'temporal' | 'watchdog';

export function loadAverage(): string {
  return `load ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`;
}

/** The worker's process tree: the CLI, its dev server watchdog, the temporal server. */
export interface Tree {
  worker: number;
  watchdog?: number;
  temporal?: number;
}

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  let tasks: string[];
  try {
    tasks = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tasks) {
    try {
      const text = fs.readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
      for (const c of text.split(/\s+/)) if (c) out.push(Number(c));
    } catch {
      // the thread ended meanwhile
    }
  }
  return out;
}

function processTree(worker: number): Tree {
  const [watchdog] = childrenOf(worker);
  const [temporalPid] = watchdog === undefined ? [] : childrenOf(watchdog);
  return {
    worker,
    ...(watchdog !== undefined ? { watchdog } : {}),
    ...(temporalPid !== undefined ? { temporal: temporalPid } : {}),
  };
}

/** utime + stime of a process (all its threads), in seconds. */
export function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

export function statusKiB(pid: number | undefined, field: 'VmHWM' | 'VmRSS'): number {
  if (pid === undefined) return NaN;
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
}

export function perProc(
  tree: Tree,
  f: (pid: number | undefined) => number,
): Record<ProcName, number> {
  return { worker: f(tree.worker), temporal: f(tree.temporal), watchdog: f(tree.watchdog) };
}

export function diff(
  a: Record<ProcName, number>,
  b: Record<ProcName, number>,
): Record<ProcName, number> {
  return {
    worker: a.worker - b.worker,
    temporal: a.temporal - b.temporal,
    watchdog: a.watchdog - b.watchdog,
  };
}

/** One `jit-watcher run` of a build, with an embedded dev server on free ports. */
export interface Service {
  child: ChildProcess;
  tree: Tree;
  /** The service's /metrics, the SDK's own (temporal_*) merged in. */
  metricsUrl: string;
  address: string;
  taskQueue: string;
  logFile: string;
  exited(): string | undefined;
  stop(): Promise<void>;
}

export interface ServiceSettings {
  /** The node binary; default JIT_BENCH_NODE, else this one. */
  node?: string;
  /** Variables over the deployed ones; default JIT_BENCH_TREE_ENV for this tree's build. */
  env?: Record<string, string>;
}

export async function startService(
  build: Build,
  sim: SimProcess,
  dir: string,
  settings: ServiceSettings = {},
): Promise<Service> {
  const [port, uiPort, metricsPort] = [await freePort(), await freePort(), await freePort()];
  const taskQueue = `bench-${Date.now()}-${port}`;
  const logFile = path.join(dir, 'worker.log');
  const extra = (process.env.JIT_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const env =
    settings.env ?? (build.dir === ROOT ? envPairs(process.env.JIT_BENCH_TREE_ENV ?? '') : {});
  const args = [
    ...extra,
    path.join(build.dir, 'dist', 'cli', 'main.js'),
    'run',
    ...['-p', sim.cluster.proxyAddress, '-i', sim.cluster.watcherIdentity],
    ...['--temporal-dev-port', String(port), '--temporal-dev-ui-port', String(uiPort)],
    ...['--temporal-dev-db', path.join(dir, 'temporal.db')],
    ...['--temporal-task-queue', taskQueue, '--metrics-listen', `127.0.0.1:${metricsPort}`],
  ];
  const node = settings.node ?? (process.env.JIT_BENCH_NODE || process.execPath);
  const { child, exited, gone } = spawnLogged(node, args, env, logFile, dir);
  await waitFor(
    () => {
      const exit = exited();
      if (exit) throw new StopWaiting(exit);
      return fs.readFileSync(logFile, 'utf8').includes('"worker polling"');
    },
    { timeoutMs: 120_000, intervalMs: 100, what: `${build.label} to start` },
  );
  const pid = child.pid ?? 0;
  const tree = await waitFor(
    () => {
      const t = processTree(pid);
      return t.temporal !== undefined ? t : undefined;
    },
    { timeoutMs: 10_000, what: 'the dev server process' },
  );
  return {
    child,
    tree,
    metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
    address: `127.0.0.1:${port}`,
    taskQueue,
    logFile,
    exited,
    async stop() {
      if (exited() === undefined) child.kill('SIGTERM');
      await gone;
    },
  };
}

/** `NAME=value NAME2=value2`: variables for a worker. */
export function envPairs(text: string): Record<string, string> {
  const pairs: Record<string, string> = {};
  for (const pair of text.split(' ').filter(Boolean)) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new Error(`${pair} is not NAME=value`);
    pairs[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return pairs;
}
