// Who set the watcher's policy, paused and resumed it, and when: read from the watcher's own
// history, run by run back along its continue-as-new chain (each run's first event names the run
// it continued), as far as the namespace's retention keeps runs. The identity is what Temporal
// recorded with each signal or update (the caller's client identity), not something we keep.
import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import type { Policy } from '../policy/types';
import { policyVersion } from '../policy/version';
import { firstPayload } from './localActivityMarker';
import { checkPolicy } from './workflows/messageChecks';
import type { WatcherInput } from './workflows/watcherState';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

export interface PolicyEvent {
  at: string;
  what: 'start' | 'setPolicy' | 'pause' | 'resume';
  via: 'start' | 'signal' | 'update';
  /** The caller's identity as Temporal recorded it; '' when none was sent. */
  identity: string;
  runId: string;
  /** The version of the policy set (start, setPolicy). */
  version?: string;
  /** Why a setPolicy signal was refused (an update with bad input is never recorded). */
  refused?: string;
}

export interface PolicyHistory {
  events: PolicyEvent[];
  runs: number;
  /** The chain goes further back than the server still holds (retention). */
  truncated: boolean;
}

const COMMANDS = new Set(['setPolicy', 'pause', 'resume']);
/** Runs followed back at most: a watcher continues as new every few hundred sweeps. */
const MAX_RUNS = 10_000;

/** Oldest first. */
export async function policyHistory(client: Client, workflowId: string): Promise<PolicyHistory> {
  const runs: PolicyEvent[][] = [];
  let runId: string | undefined;
  let truncated = false;
  for (let i = 0; i < MAX_RUNS; i++) {
    let events: HistoryEvent[];
    try {
      const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
      events = history.events ?? [];
    } catch (err) {
      if (runId === undefined) throw err;
      truncated = true;
      break;
    }
    const started = events[0]?.workflowExecutionStartedEventAttributes;
    const thisRun = runId ?? started?.originalExecutionRunId ?? '';
    runs.push(policyEvents(events, thisRun));
    runId = started?.continuedExecutionRunId ?? undefined;
    if (!runId) break;
  }
  return { events: runs.reverse().flat(), runs: runs.length, truncated };
}

/** The policy commands one run's history holds, in order; the first run's start among them. */
export function policyEvents(events: HistoryEvent[], runId: string): PolicyEvent[] {
  const out: PolicyEvent[] = [];
  for (const e of events) {
    const at = eventTime(e);
    const started = e.workflowExecutionStartedEventAttributes;
    if (started && !started.continuedExecutionRunId) {
      const input = firstPayload(started.input?.payloads) as WatcherInput | undefined;
      out.push({
        at,
        what: 'start',
        via: 'start',
        identity: started.identity ?? '',
        runId,
        ...(input?.policy ? { version: policyVersion(input.policy) } : {}),
      });
    }
    const signal = e.workflowExecutionSignaledEventAttributes;
    if (signal?.signalName && COMMANDS.has(signal.signalName)) {
      const arg = firstPayload(signal.input?.payloads);
      out.push({
        at,
        what: signal.signalName as PolicyEvent['what'],
        via: 'signal',
        identity: signal.identity ?? '',
        runId,
        ...(signal.signalName === 'setPolicy' ? setPolicyFields(arg, true) : {}),
      });
    }
    const update = e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest;
    const name = update?.input?.name;
    if (name && COMMANDS.has(name)) {
      const arg = firstPayload(update.input?.args?.payloads);
      out.push({
        at,
        what: name as PolicyEvent['what'],
        via: 'update',
        identity: update.meta?.identity ?? '',
        runId,
        ...(name === 'setPolicy' ? setPolicyFields(arg, false) : {}),
      });
    }
  }
  return out;
}

/** A signal's policy is checked by the watcher after it is recorded: say when it was refused. */
function setPolicyFields(arg: unknown, signal: boolean): Pick<PolicyEvent, 'version' | 'refused'> {
  const checked = checkPolicy(arg);
  if (!checked.ok) return signal ? { refused: checked.problem } : {};
  return { version: policyVersion(arg as Policy) };
}

function eventTime(event: HistoryEvent): string {
  const seconds = Number(event.eventTime?.seconds ?? 0);
  const nanos = event.eventTime?.nanos ?? 0;
  return new Date(seconds * 1000 + Math.floor(nanos / 1e6)).toISOString();
}
