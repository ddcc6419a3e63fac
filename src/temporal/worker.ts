// Builds the Temporal worker that runs the watcher and sweep workflows and the activities. The
// workflow bundle is built once per process and reused, because webpack takes seconds on a small
// machine and tests start several workers.
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  bundleWorkflowCode,
  Worker,
  type NativeConnection,
  type WorkflowBundleOption,
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
}

/** Where `npm run build` leaves the pre-bundled workflows (override: JIT_WATCHER_WORKFLOW_BUNDLE). */
export const WORKFLOW_BUNDLE_FILE = path.resolve(
  __dirname,
  '..',
  '..',
  'dist',
  'workflow-bundle.js',
);

let bundle: Promise<WorkflowBundleOption> | undefined;

/**
 * The workflows, bundled once per process. Compiled code (production images, `npm run build`)
 * loads the pre-built bundle, because webpack costs seconds and a few hundred MB at start; under
 * tsx (development, tests) the sources are bundled here, so a stale build is never picked up.
 */
export function workflowBundle(): Promise<WorkflowBundleOption> {
  const explicit = process.env.JIT_WATCHER_WORKFLOW_BUNDLE;
  const compiled = __filename.endsWith('.js') && fs.existsSync(WORKFLOW_BUNDLE_FILE);
  const prebuilt = explicit ?? (compiled ? WORKFLOW_BUNDLE_FILE : undefined);
  bundle ??= prebuilt
    ? Promise.resolve({ codePath: prebuilt })
    : bundleWorkflowCode({
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
    // Most of a sweep's activities are local (judgements, user evaluations, actions); the rest
    // read the cluster. One limit for both keeps Teleport from seeing more calls than it allows.
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivities ?? 100,
    maxConcurrentLocalActivityExecutions: options.maxConcurrentActivities ?? 100,
    // Let activities in flight finish on SIGTERM before the process exits.
    shutdownGraceTime: 10_000,
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
