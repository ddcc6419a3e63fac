// The operator's side of the watcher: start it (once per cluster), signal it, update it, query
// it. Used by the CLI and by tests; everything goes through Temporal, so it works from any machine
// that can reach the Temporal frontend. Signals need no worker to be running; updates and queries
// are answered by one, and updates report a refusal to the caller.
import { WorkflowIdConflictPolicy } from '@temporalio/common';
import { WorkflowUpdateFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import type { Policy } from '../policy/types';
import { watcherWorkflowId } from './names';
import type { DecisionRecord } from './sweepTypes';
import { watcherSummary } from './workflows/watcherDetails';
import {
  clearShadowUpdate,
  pauseSignal,
  pauseUpdate,
  policyQuery,
  recentDecisionsQuery,
  reportWorkerSignal,
  requestsChangedSignal,
  resumeSignal,
  resumeUpdate,
  setPolicySignal,
  setPolicyUpdate,
  setShadowUpdate,
  shadowQuery,
  statusQuery,
  sweepNowSignal,
  sweepNowUpdate,
  type RequestsChanged,
  type WatcherStatus,
  type WorkerReport,
} from './workflows/messages';
import type { watcher, WatcherInput } from './workflows/watcher';

export interface WatcherControl {
  handle: WorkflowHandle<typeof watcher>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  sweepNow(): Promise<void>;
  setPolicy(policy: Policy): Promise<void>;
  requestsChanged(change: RequestsChanged): Promise<void>;
  reportWorker(report: WorkerReport): Promise<void>;
  status(): Promise<WatcherStatus>;
  recentDecisions(): Promise<DecisionRecord[]>;
  policy(): Promise<Policy>;
  /** The shadow policy, or null when none is set. */
  shadow(): Promise<Policy | null>;
  /** The operator commands as updates: each answers with the status after it, or throws a
   * RefusedError naming the problem; a worker must answer within UPDATE_TIMEOUT_MS. */
  commands: {
    pause(): Promise<WatcherStatus>;
    resume(): Promise<WatcherStatus>;
    sweepNow(): Promise<WatcherStatus>;
    setPolicy(policy: Policy): Promise<WatcherStatus>;
    setShadow(policy: Policy): Promise<WatcherStatus>;
    clearShadow(): Promise<WatcherStatus>;
  };
}

/** An update the watcher refused, or no worker answered; the message is one line for the CLI. */
export class RefusedError extends Error {
  override name = 'RefusedError';
}

/** How long a command waits for a worker to answer before saying that none is running. */
export const UPDATE_TIMEOUT_MS = 30_000;

/** Starts the cluster's watcher unless one is already running; returns its control. */
export async function ensureWatcher(
  client: Client,
  taskQueue: string,
  input: WatcherInput,
): Promise<WatcherControl> {
  const handle = await client.workflow.start<typeof watcher>('watcher', {
    workflowId: watcherWorkflowId(input.cluster),
    taskQueue,
    args: [input],
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    staticSummary: watcherSummary(input.cluster),
    staticDetails: STATIC_DETAILS,
  });
  return controlFor(handle);
}

const STATIC_DETAILS = [
  'Sweeps every poll interval, on `sweepNow` and on changes the event stream reports.',
  'Signals and updates: `pause`, `resume`, `sweepNow`, `setPolicy`, `setShadow`, `clearShadow`;',
  'signals: `requestsChanged`, `reportWorker`; queries: `status`, `policy`, `shadow`,',
  '`recentDecisions`. Each sweep is a child workflow.',
].join('  \n');

/** Control of a running watcher; the handle follows continue-as-new. */
export function watcherControl(client: Client, cluster: string): WatcherControl {
  return controlFor(client.workflow.getHandle<typeof watcher>(watcherWorkflowId(cluster)));
}

function controlFor(handle: WorkflowHandle<typeof watcher>): WatcherControl {
  return {
    handle,
    pause: () => handle.signal(pauseSignal),
    resume: () => handle.signal(resumeSignal),
    sweepNow: () => handle.signal(sweepNowSignal),
    setPolicy: (policy) => handle.signal(setPolicySignal, policy),
    requestsChanged: (change) => handle.signal(requestsChangedSignal, change),
    reportWorker: (report) => handle.signal(reportWorkerSignal, report),
    status: () => handle.query(statusQuery),
    recentDecisions: () => handle.query(recentDecisionsQuery),
    policy: () => handle.query(policyQuery),
    shadow: () => handle.query(shadowQuery),
    commands: {
      pause: () => answered(handle, 'pause', () => handle.executeUpdate(pauseUpdate)),
      resume: () => answered(handle, 'resume', () => handle.executeUpdate(resumeUpdate)),
      sweepNow: () => answered(handle, 'sweepNow', () => handle.executeUpdate(sweepNowUpdate)),
      setPolicy: (policy) =>
        answered(handle, 'setPolicy', () =>
          handle.executeUpdate(setPolicyUpdate, { args: [policy] }),
        ),
      setShadow: (policy) =>
        answered(handle, 'setShadow', () =>
          handle.executeUpdate(setShadowUpdate, { args: [policy] }),
        ),
      clearShadow: () =>
        answered(handle, 'clearShadow', () => handle.executeUpdate(clearShadowUpdate)),
    },
  };
}

/** Runs an update with a deadline, turning a refusal or silence into a one-line RefusedError. */
async function answered(
  handle: WorkflowHandle<typeof watcher>,
  name: string,
  update: () => Promise<WatcherStatus>,
): Promise<WatcherStatus> {
  const deadline = new Date(Date.now() + UPDATE_TIMEOUT_MS);
  try {
    return await handle.client.connection.withDeadline(deadline, update);
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) {
      const cause = err.cause instanceof Error ? err.cause.message : err.message;
      throw new RefusedError(cause);
    }
    if (Date.now() >= deadline.getTime() || isDeadline(err))
      throw new RefusedError(
        `${name}: no worker answered within ${UPDATE_TIMEOUT_MS / 1000} s; is \`jit-watcher run\` (or \`worker\`) running for ${handle.workflowId}?`,
      );
    throw err;
  }
}

function isDeadline(err: unknown): boolean {
  return err instanceof Error && /DEADLINE_EXCEEDED|deadline/i.test(err.message);
}
