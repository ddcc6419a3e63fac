// The long-running watcher, one per Teleport cluster: sweep, then wait for the poll interval, a
// signal, or a change reported by the event stream; continue as new before the history grows
// large. The workflow function only wires handlers and waits; WatcherState holds the logic.
// No handler may throw: a bad payload is refused (status, log, metric) and enforcement goes on.
// Workflow code: deterministic, no I/O; time comes from the workflow clock.
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  executeChild,
  log,
  ParentClosePolicy,
  patched,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { sweepWorkflowId } from '../names';
import { guardedHandlers } from './guardedHandlers';
import {
  checkPolicy,
  checkRequestsChanged,
  checkWorkerReport,
  checkShadowPolicy,
  POLICY_CHECKS_PATCH,
} from './messageChecks';
import {
  clearShadowSignal,
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
  setShadowSignal,
  setShadowUpdate,
  shadowQuery,
  statusQuery,
  sweepNowSignal,
  sweepNowUpdate,
} from './messages';
import { failureMessage } from './failureMessage';
import { sweep } from './sweep';
import { sweepSummary } from './summaries';
import { WatcherState, type NextWait, type WatcherInput } from './watcherState';

export type { WatcherInput } from './watcherState';

/** Continue as new well before Temporal's 10,240-event warning; each sweep costs ~10 events. */
const DEFAULT_MAX_HISTORY_EVENTS = 2_000;

/** Runs that started before it swept at once after continuing as new; their histories replay so. */
const CONTINUED_RUN_WAITS_PATCH = 'continued-run-waits';
/**
 * Runs that started before it waited for the poll interval alone, and a policy change waited for
 * the next sweep. Asked once, first thing in a run, so the whole run keeps one behaviour.
 */
const DEADLINE_TIMER_PATCH = 'deadline-timer';

export async function watcher(input: WatcherInput): Promise<never> {
  const state = new WatcherState(input, { deadlineTimer: patched(DEADLINE_TIMER_PATCH) });
  const handlers = guardedHandlers(state);

  // Commands take no arguments: any given (tctl users send `--input null`) are ignored.
  setHandler(pauseSignal, () => handlers.run('pause', () => state.pause()));
  setHandler(resumeSignal, () => handlers.run('resume', () => state.resume()));
  setHandler(sweepNowSignal, () =>
    handlers.run('sweepNow', () => state.requestSweep('sweepNow signal')),
  );
  setHandler(requestsChangedSignal, (input: unknown) =>
    handlers.checked('requestsChanged', checkRequestsChanged(input), (c) =>
      state.requestsChanged(c),
    ),
  );
  setHandler(reportWorkerSignal, (input: unknown) =>
    handlers.checked('reportWorker', checkWorkerReport(input), (r) => state.reportWorker(r)),
  );
  setHandler(setPolicySignal, (input: unknown) =>
    // A signal's checks run again on replay: histories written before RE2 keep the checks they had.
    handlers.checked(
      'setPolicy',
      checkPolicy(input, patched(POLICY_CHECKS_PATCH) ? 'current' : 'before-re2'),
      (p) => state.setPolicy(p, now()),
    ),
  );
  // Shadow mode: a candidate policy judged beside the live one, acting on nothing. New signals,
  // so no history from before them holds one: the current checks apply on replay too.
  setHandler(setShadowSignal, (input: unknown) =>
    handlers.checked('setShadow', checkShadowPolicy(input), (p) => state.setShadow(p, now())),
  );
  setHandler(clearShadowSignal, () => handlers.run('clearShadow', () => state.clearShadow()));
  // The same commands as updates: a validator refuses bad input before anything is recorded, and
  // the caller gets the reason, or the status once the command took effect.
  const answered = (name: string, change: () => void) => () => {
    handlers.run(name, change);
    return state.status();
  };
  setHandler(
    pauseUpdate,
    answered('pause', () => state.pause()),
  );
  setHandler(
    resumeUpdate,
    answered('resume', () => state.resume()),
  );
  setHandler(
    sweepNowUpdate,
    answered('sweepNow', () => state.requestSweep('sweepNow update')),
  );
  setHandler(
    setPolicyUpdate,
    (policy) => answered('setPolicy', () => state.setPolicy(policy, now()))(),
    { validator: (input: unknown) => handlers.validate('setPolicy', checkPolicy(input)) },
  );
  setHandler(
    setShadowUpdate,
    (policy) => answered('setShadow', () => state.setShadow(policy, now()))(),
    { validator: (input: unknown) => handlers.validate('setShadow', checkShadowPolicy(input)) },
  );
  setHandler(
    clearShadowUpdate,
    answered('clearShadow', () => state.clearShadow()),
  );
  setHandler(shadowQuery, () => state.shadowPolicy);
  setHandler(statusQuery, () => state.status());
  setHandler(recentDecisionsQuery, () => state.recent);
  setHandler(policyQuery, () => state.policy);

  // A run continues as new right after a sweep, so the next run waits for the poll interval or
  // for work (a signal, an event) instead of sweeping again at once with nothing asked of it. One
  // that continued while paused sweeps at once when resumed, as a resume always does.
  let continued =
    input.carried !== undefined && !input.paused && patched(CONTINUED_RUN_WAITS_PATCH);
  for (;;) {
    handlers.showDetails();
    if (!state.paused && !(continued && !state.workWaiting)) await runSweep(state);
    continued = false;
    handlers.showDetails();
    if (shouldContinueAsNew(state)) {
      // Signals that arrived meanwhile are in `state`, which the next run carries.
      await condition(allHandlersFinished);
      return continueAsNew<typeof watcher>(state.carryOver());
    }
    if (state.paused) {
      await condition(() => !state.paused || shouldContinueAsNew(state));
    } else {
      // One durable timer: the poll interval, or the earliest deadline when it comes first.
      const wait = state.nextWait(now());
      state.nextSweepAt = new Date(Date.now() + wait.ms).toISOString();
      handlers.showDetails();
      const work = () => state.workWaiting || state.paused;
      const woken = state.deadlineTimer
        ? await condition(work, wait.ms, { summary: timerSummary(wait) })
        : await condition(work, wait.ms);
      // At a deadline, the next sweep evaluates its users: no full sweep is asked for.
      if (!woken && wait.deadline) state.deadlineReached(now());
      else if (!woken) state.requestSweep('poll interval');
    }
  }
}

/** The line the Web UI shows for the watcher's timer. */
function timerSummary(wait: NextWait): string {
  const line = wait.deadline
    ? `deadline ${wait.deadline.at}: ${wait.deadline.what}`
    : 'poll interval';
  return line.length > 160 ? `${line.slice(0, 159)}…` : line;
}

function now(): Date {
  return new Date(Date.now());
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
      staticSummary: sweepSummary(input, state.sweepCause),
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
