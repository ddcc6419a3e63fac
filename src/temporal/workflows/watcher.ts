// The long-running watcher, one per Teleport cluster: sweep, then wait for the poll interval, a
// signal, or a change reported by the event stream; continue as new before the history grows
// large. The workflow function only wires handlers and waits; WatcherState holds the logic.
// Workflow code: deterministic, no I/O; time comes from the workflow clock.
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  executeChild,
  log,
  ParentClosePolicy,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { sweepWorkflowId } from '../names';
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
} from './messages';
import { failureMessage } from './failureMessage';
import { sweep } from './sweep';
import { WatcherState, type WatcherInput } from './watcherState';

export type { WatcherInput } from './watcherState';

/** Continue as new well before Temporal's 10,240-event warning; each sweep costs ~10 events. */
const DEFAULT_MAX_HISTORY_EVENTS = 2_000;

export async function watcher(input: WatcherInput): Promise<never> {
  const state = new WatcherState(input);

  setHandler(pauseSignal, () => state.pause());
  setHandler(resumeSignal, () => state.resume());
  setHandler(sweepNowSignal, () => state.requestSweep('sweepNow signal'));
  setHandler(requestsChangedSignal, (change) => state.requestsChanged(change));
  setHandler(reportWorkerSignal, (report) => state.reportWorker(report));
  setHandler(setPolicySignal, (policy) => state.setPolicy(policy, new Date(Date.now())));
  setHandler(statusQuery, () => state.status());
  setHandler(recentDecisionsQuery, () => state.recent);
  setHandler(policyQuery, () => state.policy);

  for (;;) {
    if (!state.paused) await runSweep(state);
    if (shouldContinueAsNew(state)) {
      // Signals that arrived meanwhile are in `state`, which the next run carries.
      await condition(allHandlersFinished);
      return continueAsNew<typeof watcher>(state.carryOver());
    }
    if (state.paused) {
      await condition(() => !state.paused || shouldContinueAsNew(state));
    } else {
      state.nextSweepAt = new Date(Date.now() + state.pollIntervalMs).toISOString();
      const woken = await condition(() => state.workWaiting || state.paused, state.pollIntervalMs);
      if (!woken) state.requestSweep('poll interval');
    }
  }
}

async function runSweep(state: WatcherState): Promise<void> {
  const startedAt = new Date(Date.now());
  const id = sweepWorkflowId(state.cluster, startedAt);
  const input = state.beginSweep(id, startedAt);
  try {
    const result = await executeChild(sweep, {
      workflowId: id,
      args: [input],
      parentClosePolicy: ParentClosePolicy.TERMINATE,
    });
    state.finishSweep(id, startedAt, new Date(Date.now()), result);
  } catch (err) {
    const message = failureMessage(err);
    log.warn('sweep failed', { sweepId: id, error: message });
    state.failSweep(id, startedAt, new Date(Date.now()), message);
  }
}

function shouldContinueAsNew(state: WatcherState): boolean {
  const info = workflowInfo();
  const limit = state.continueAsNewAfterEvents ?? DEFAULT_MAX_HISTORY_EVENTS;
  return info.continueAsNewSuggested || info.historyLength > limit;
}
