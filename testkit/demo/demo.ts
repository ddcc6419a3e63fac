// runDemo: the guided tour behind `npm run demo`. Starts the stack, plays the story while printing
// each decision as Teleport records it, prints a summary, then stops everything it started (or,
// with keep, waits for Ctrl-C first). The entry point and the end-to-end test both call it.
import * as os from 'node:os';
import * as path from 'node:path';
import type { RequestState } from '../../src/domain/accessRequest';
import type { SimStore } from '../sim';
import { findTemporalCli } from '../../src/temporal/devServer';
import { watcherWorkflowId } from '../../src/temporal/names';
import { silentLogger, type Logger } from '../../src/util/logger';
import { createDemoAct } from './act';
import { watchDecisions } from './feed';
import { aborted, DemoAborted, guarded, type Guard } from './guard';
import { exploreLines, introLines, progressLine, summaryLines, whereToSee } from './printer';
import { startDemoStack, type DemoStack } from './stack';
import { playStory } from './story';

export const DEMO_CLUSTER = 'demo.example.com';
const DEMO_TASK_QUEUE = 'jit-watcher';

export interface DemoOptions {
  keep: boolean;
  out: (line: string) => void;
  /** A running Temporal frontend; without it the demo starts an in-memory dev server. */
  temporalAddress?: string;
  /** Web UI port of that dev server (taken: a free one); undefined runs it headless. */
  uiPort?: number;
  signal?: AbortSignal;
  /** The service's JSON log; silent by default, since the demo prints its own lines. */
  log?: Logger;
  /** Tests sharing one Temporal server pass unique ones. */
  clusterName?: string;
  taskQueue?: string;
}

export interface DemoRequestResult {
  id: string;
  user: string;
  state: RequestState;
  resolveReason: string;
  /** The watcher lock's message, when the request is locked. */
  lockMessage?: string;
}

export interface DemoSummary {
  cluster: string;
  temporalAddress: string;
  webUiUrl?: string;
  counts: { approved: number; denied: number; locked: number };
  /** Sweeps the watcher ran; absent when its status could not be read (counts then from Teleport). */
  sweeps?: number;
  /** By story key (alice-1, bob, ...), as Teleport holds them at the end. */
  requests: Record<string, DemoRequestResult>;
}

export async function runDemo(options: DemoOptions): Promise<DemoSummary> {
  const startedAt = Date.now();
  const progress = (text: string): void => options.out(progressLine(Date.now() - startedAt, text));
  const cluster = options.clusterName ?? DEMO_CLUSTER;
  const stack = await startDemoStack({
    clusterName: cluster,
    taskQueue: options.taskQueue ?? DEMO_TASK_QUEUE,
    temporalAddress: options.temporalAddress,
    uiPort: options.uiPort,
    log: options.log ?? silentLogger,
    progress,
    signal: options.signal,
  });
  const feed = watchDecisions(stack.sim.store, options.out);
  try {
    const guard: Guard = { signal: options.signal, failure: stack.failure };
    progress(
      `Ready: Temporal at ${stack.temporalAddress}, Teleport (simulated) at ${stack.sim.proxyAddress}`,
    );
    const workflowId = watcherWorkflowId(cluster);
    introLines({
      cluster,
      maxResources: stack.policy.maxResources,
      conflictPatterns: stack.policy.conflictPatterns,
      watcherLink: whereToSee(stack.webUiUrl, workflowId),
    }).forEach((line) => options.out(line));

    const act = createDemoAct({
      store: stack.sim.store,
      cluster,
      control: stack.control,
      webUiUrl: stack.webUiUrl,
      out: options.out,
      guard,
    });
    const ids = await playStory(act);
    const summary = await summarize(stack, ids, guard);
    const view = { temporalAddress: stack.temporalAddress, temporalCli: temporalCliName() };
    summaryLines({ ...summary, ...view, keep: options.keep }).forEach((l) => options.out(l));
    if (options.keep) {
      exploreLines({ ...view, cluster, workflowId, webUiUrl: stack.webUiUrl }).forEach((l) =>
        options.out(l),
      );
      await untilStopped(guard);
    }
    return summary;
  } finally {
    feed.stop();
    await stack.stop();
  }
}

/** With keep, Ctrl-C is how the demo ends: a normal end, not an error. */
async function untilStopped(guard: Guard): Promise<void> {
  if (!guard.signal) return guarded(new Promise<never>(() => undefined), guard);
  try {
    await guarded(aborted(guard.signal), guard);
  } catch (err) {
    if (!(err instanceof DemoAborted)) throw err;
  }
}

async function summarize(
  stack: DemoStack,
  ids: Record<string, string>,
  guard: Guard,
): Promise<DemoSummary> {
  const store = stack.sim.store;
  const requests = Object.fromEntries(
    Object.entries(ids).map(([key, id]) => [key, resultOf(store, id)]),
  );
  const summary = {
    cluster: stack.sim.clusterName,
    temporalAddress: stack.temporalAddress,
    webUiUrl: stack.webUiUrl,
    counts: teleportCounts(Object.values(requests)),
    requests,
  };
  try {
    // The watcher's own totals, which an operator would read with `jit-watcher status`.
    const status = await guarded(stack.control.status(), guard);
    const { approved, denied, locked } = status.totals;
    return { ...summary, counts: { approved, denied, locked }, sweeps: status.sweeps };
  } catch (err) {
    if (err instanceof DemoAborted) throw err;
    return summary;
  }
}

function resultOf(store: SimStore, id: string): DemoRequestResult {
  const request = store.getRequest(id);
  if (!request) throw new Error(`request ${id} disappeared from the simulated cluster`);
  const lock = store.listLocks().find((l) => l.target.accessRequest === id);
  const result: DemoRequestResult = {
    id,
    user: request.user,
    state: request.state,
    resolveReason: request.resolveReason,
  };
  return lock ? { ...result, lockMessage: lock.message } : result;
}

function teleportCounts(results: DemoRequestResult[]): DemoSummary['counts'] {
  return {
    approved: results.filter((r) => r.state === 'APPROVED').length,
    denied: results.filter((r) => r.state === 'DENIED').length,
    locked: results.filter((r) => r.lockMessage !== undefined).length,
  };
}

/** "temporal" when it is on PATH; otherwise where the demo found it, so commands paste as-is. */
function temporalCliName(): string {
  const found = findTemporalCli();
  if (!found) return 'temporal';
  const dirs = (process.env.PATH ?? '').split(path.delimiter);
  if (dirs.some((dir) => dir && path.join(dir, 'temporal') === found)) return 'temporal';
  return found.startsWith(os.homedir() + path.sep) ? `~${found.slice(os.homedir().length)}` : found;
}
