// Reads recorded decisions back out of Temporal: sweep runs are found through their search
// attributes, or through the decisionIndex children that carry what did not fit on the run, and
// each run's history holds the evaluation results and action outcomes. This is what `jit-watcher
// decisions` prints; Temporal is the only store.
import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import type { Decision } from '../policy/types';
import { firstPayload, readLocalActivityMarker } from './localActivityMarker';
import type { ActionOutcome, UserEvaluation } from './sweepTypes';

export interface DecisionQuery {
  user?: string;
  requestId?: string;
  since?: Date;
  /** Sweep runs to read at most, newest first. */
  maxRuns?: number;
}

export interface LoggedDecision {
  at: string;
  sweepId: string;
  runId: string;
  decision: Decision;
  outcome?: ActionOutcome;
}

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

const ACTIONS = new Set(['approveRequest', 'denyRequest', 'lockRequest']);

function visibilityQuery(q: DecisionQuery): string {
  // By user or request, the index children count too: each names the sweep run it indexes.
  const clauses = [
    q.user || q.requestId
      ? `(WorkflowType = 'sweep' OR WorkflowType = 'decisionIndex')`
      : `WorkflowType = 'sweep'`,
  ];
  if (q.user) clauses.push(`JitUsers = ${quote(q.user)}`);
  if (q.requestId) clauses.push(`JitRequestIds = ${quote(q.requestId)}`);
  if (q.since) clauses.push(`StartTime > ${quote(q.since.toISOString())}`);
  return clauses.join(' AND ');
}

function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export async function findDecisions(client: Client, q: DecisionQuery): Promise<LoggedDecision[]> {
  const out: LoggedDecision[] = [];
  const read = new Set<string>();
  for await (const found of client.workflow.list({ query: visibilityQuery(q) })) {
    const run = found.type === 'decisionIndex' ? indexed(found.parentExecution) : found;
    if (!run || read.has(run.runId)) continue;
    if (read.size >= (q.maxRuns ?? 100)) break;
    read.add(run.runId);
    const history = await client.workflow.getHandle(run.workflowId, run.runId).fetchHistory();
    for (const logged of decisionsInHistory(history.events ?? [], run.workflowId, run.runId)) {
      if (q.user && logged.decision.user !== q.user) continue;
      if (q.requestId && logged.decision.requestId !== q.requestId) continue;
      out.push(logged);
    }
  }
  return out.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}

/** The sweep run an index child was started by: the run whose history holds its decisions. */
function indexed(
  parent: { workflowId?: string | null; runId?: string | null } | undefined,
): { workflowId: string; runId: string } | undefined {
  return parent?.workflowId && parent.runId
    ? { workflowId: parent.workflowId, runId: parent.runId }
    : undefined;
}

/** Pairs each decision with the outcome of the action taken on it, from one run's events. */
export function decisionsInHistory(
  events: HistoryEvent[],
  sweepId: string,
  runId: string,
): LoggedDecision[] {
  const decisions: LoggedDecision[] = [];
  const byDecisionId = new Map<string, LoggedDecision>();
  const record = (decision: Decision, at: string): void => {
    const logged: LoggedDecision = { at, sweepId, runId, decision };
    decisions.push(logged);
    byDecisionId.set(decision.id, logged);
  };
  for (const done of activityCompletions(events)) {
    if (done.type === 'evaluateRequest' && done.result) record(done.result as Decision, done.at);
    if (done.type === 'evaluateUser' && done.result) {
      for (const d of (done.result as UserEvaluation).decisions) record(d, done.at);
    }
    if (!ACTIONS.has(done.type)) continue;
    const outcome = done.result as ActionOutcome | undefined;
    const logged = byDecisionId.get(outcome?.decisionId ?? done.failure?.decisionId ?? '');
    if (!logged) continue;
    logged.outcome = outcome ?? { status: 'failed', detail: done.failure?.message ?? 'failed' };
  }
  // Left to humans: no action runs, so no outcome is recorded; the sweep's outcome is this one.
  for (const logged of decisions) {
    if (logged.decision.action === 'escalate' && !logged.outcome)
      logged.outcome = { status: 'escalated', detail: logged.decision.reason };
  }
  return decisions;
}

export interface Completion {
  at: string;
  type: string;
  result?: unknown;
  failure?: { message: string; decisionId?: string };
}

/**
 * Every finished activity of a run in history order, whether it ran as a regular activity
 * (scheduled, then completed or failed events) or as a local one (a single marker).
 */
export function* activityCompletions(events: HistoryEvent[]): Generator<Completion> {
  const scheduledTypes = new Map<string, string>();
  for (const event of events) {
    const at = eventTime(event);
    const local = readLocalActivityMarker(event);
    if (local) {
      yield {
        at,
        type: local.type,
        result: local.result,
        ...(local.failure ? { failure: failureSummary(local.failure) } : {}),
      };
      continue;
    }
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled) scheduledTypes.set(String(event.eventId), scheduled.activityType?.name ?? '');
    const completed = event.activityTaskCompletedEventAttributes;
    const failed = event.activityTaskFailedEventAttributes;
    const origin = scheduledTypes.get(String((completed ?? failed)?.scheduledEventId));
    if (origin === undefined) continue;
    yield {
      at,
      type: origin,
      result: completed ? firstPayload(completed.result?.payloads) : undefined,
      ...(failed?.failure ? { failure: failureSummary(failed.failure) } : {}),
    };
  }
}

/** The message of a failure and the decision it names, if the activity put one in its details. */
function failureSummary(failure: temporal.api.failure.v1.IFailure): Completion['failure'] {
  // A local activity's failure wraps the activity's own error as its cause.
  const own = failure.applicationFailureInfo ? failure : (failure.cause ?? failure);
  const about = firstPayload(own.applicationFailureInfo?.details?.payloads) as
    { decisionId?: string } | undefined;
  return {
    message: own.message ?? failure.message ?? 'failed',
    ...(about?.decisionId ? { decisionId: about.decisionId } : {}),
  };
}

function eventTime(event: HistoryEvent): string {
  const seconds = Number(event.eventTime?.seconds ?? 0);
  const nanos = event.eventTime?.nanos ?? 0;
  return new Date(seconds * 1000 + Math.floor(nanos / 1e6)).toISOString();
}
