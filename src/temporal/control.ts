// The operator's side of the watcher: start it (once per cluster), signal it, query it. Used by
// the CLI and by tests; everything goes through Temporal, so it works from any machine that can
// reach the Temporal frontend, with or without a worker running locally.
import { WorkflowIdConflictPolicy } from '@temporalio/common';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { Policy } from '../policy/types';
import { watcherWorkflowId } from './names';
import type { DecisionRecord } from './sweepTypes';
import {
  pauseSignal,
  policyQuery,
  recentDecisionsQuery,
  reportWorkerSignal,
  requestsChangedSignal,
  resumeSignal,
  setPolicySignal,
  statusQuery,
  sweepNowSignal,
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
}

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
  });
  return controlFor(handle);
}

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
  };
}
