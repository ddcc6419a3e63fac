// The bodies of the watcher's signal and update handlers, made so they never fail the workflow
// task: a handler that throws is retried with the task forever, which stops every sweep. Bad input
// and unexpected errors are refused instead, where an operator sees them.
// Workflow code: no I/O.
import { log, metricMeter, setCurrentDetails } from '@temporalio/workflow';
import { failureMessage } from './failureMessage';
import type { Checked } from './messageChecks';
import { watcherDetails } from './watcherDetails';
import type { WatcherState } from './watcherState';

export interface GuardedHandlers {
  /** Refreshes the Web UI's current details from the state. */
  showDetails(): void;
  /** Applies a change; an error it throws is refused instead of failing the task. */
  run(handler: string, change: () => void): void;
  /** Applies a change to checked input, or refuses the input. */
  checked<T>(handler: string, input: Checked<T>, change: (value: T) => void): void;
  /** An update validator: throwing refuses the update; it must not change any state. */
  validate<T>(handler: string, input: Checked<T>): void;
}

/**
 * Handler bodies that never fail the workflow task: input that fails its check, and any error a
 * change throws, is refused (counted in status as the last error, logged, counted in the
 * `jit_watcher_refused_messages` metric), and the Web UI's details follow every change.
 */
export function guardedHandlers(state: WatcherState): GuardedHandlers {
  // Created here, not at module load: the meter needs a running workflow.
  const refusals = metricMeter.createCounter(
    'jit_watcher_refused_messages',
    'messages',
    'signals and updates refused for bad input',
  );
  const showDetails = (): void => setCurrentDetails(watcherDetails(state.status()));
  const refuse = (handler: string, problem: string): void => {
    log.warn('message refused', { handler, problem: state.refuse(handler, problem) });
    refusals.add(1, { handler });
  };
  const run = (handler: string, change: () => void): void => {
    try {
      change();
    } catch (err) {
      refuse(handler, `unexpected error: ${failureMessage(err)}`);
    }
    showDetails();
  };
  return {
    showDetails,
    run,
    checked<T>(handler: string, input: Checked<T>, change: (value: T) => void): void {
      if (input.ok) run(handler, () => change(input.value));
      else {
        refuse(handler, input.problem);
        showDetails();
      }
    },
    validate<T>(handler: string, input: Checked<T>): void {
      if (input.ok) return;
      log.warn('update refused', { handler, problem: input.problem });
      refusals.add(1, { handler });
      throw new Error(`${handler} refused: ${input.problem}`);
    },
  };
}
