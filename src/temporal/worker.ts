// Builds the Temporal worker that runs the watcher and sweep workflows and the activities. The
// workflow bundle is built once per process and reused, because webpack takes seconds on a small
// machine and tests start several workers.
import * as path from 'node:path';
import {
  bundleWorkflowCode,
  Worker,
  type NativeConnection,
  type WorkflowBundle,
} from '@temporalio/worker';
import { createActivities } from './activities';
import type { ActivityDeps } from './activities/deps';

export interface WorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** Identity shown in the Web UI's worker list. */
  identity?: string;
  /** Bound on concurrent activities; each is small, most time is spent waiting on Teleport. */
  maxConcurrentActivities?: number;
  /** How long activities in flight may run on after shutdown starts, in ms (default 10 s). */
  shutdownGraceTimeMs?: number;
}

let bundle: Promise<WorkflowBundle> | undefined;

/** The workflows, bundled once: prebuilt `dist/` code in production, sources under tsx. */
export function workflowBundle(): Promise<WorkflowBundle> {
  bundle ??= bundleWorkflowCode({
    workflowsPath: require.resolve(path.join(__dirname, 'workflows')),
    logger: quietBundlerLogger,
  });
  return bundle;
}

export async function createWorker(options: WorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    workflowBundle: await workflowBundle(),
    activities: createActivities(options.deps),
    ...(options.identity ? { identity: options.identity } : {}),
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivities ?? 200,
    // Let activities in flight finish on SIGTERM before the process exits.
    shutdownGraceTime: options.shutdownGraceTimeMs ?? 10_000,
  });
}

/** Webpack's progress chatter is noise in a service log; warnings and errors still show. */
const quietBundlerLogger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
  log: () => undefined,
};
