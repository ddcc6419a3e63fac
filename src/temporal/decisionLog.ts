// Reads recorded decisions back out of Temporal: sweep runs are found through their search
// attributes, and each run's history holds the evaluation results and action outcomes. This is
// what `jit-watcher decisions` prints; Temporal is the only store.
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import type { Decision } from '../policy/types';
import type { ActionOutcome } from './sweepTypes';

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
/** How the SDK's core records a local activity in history. */
const LOCAL_ACTIVITY_MARKER = 'core_local_activity';

export function visibilityQuery(q: DecisionQuery): string {
  const clauses = [`WorkflowType = 'sweep'`];
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
  let runs = 0;
  for await (const run of client.workflow.list({ query: visibilityQuery(q) })) {
    if (runs++ >= (q.maxRuns ?? 100)) break;
    const history = await client.workflow.getHandle(run.workflowId, run.runId).fetchHistory();
    for (const logged of decisionsInHistory(history.events ?? [], run.workflowId, run.runId)) {
      if (q.user && logged.decision.user !== q.user) continue;
      if (q.requestId && logged.decision.requestId !== q.requestId) continue;
      out.push(logged);
    }
  }
  return out.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}

/** Pairs each decision with the outcome of the action taken on it, from one run's events. */
export function decisionsInHistory(
  events: HistoryEvent[],
  sweepId: string,
  runId: string,
): LoggedDecision[] {
  const scheduled = new Map<string, { type: string; input: unknown }>();
  const decisions: LoggedDecision[] = [];
  const byDecisionId = new Map<string, LoggedDecision>();
  for (const event of events) {
    const at = eventTime(event);
    const marker = localActivityResult(event);
    if (marker?.type === 'evaluateRequest') record(marker.result as Decision);
    const s = event.activityTaskScheduledEventAttributes;
    if (s) {
      scheduled.set(String(event.eventId), {
        type: s.activityType?.name ?? '',
        input: firstPayload(s.input?.payloads),
      });
      continue;
    }
    const done =
      event.activityTaskCompletedEventAttributes ?? event.activityTaskFailedEventAttributes;
    if (!done) continue;
    const origin = scheduled.get(String(done.scheduledEventId));
    if (!origin) continue;
    const completed = event.activityTaskCompletedEventAttributes;
    if (origin.type === 'evaluateRequest' && completed) {
      record(firstPayload(completed.result?.payloads) as Decision);
    } else if (origin.type === 'evaluateUser' && completed) {
      const result = firstPayload(completed.result?.payloads) as { decisions: Decision[] };
      result.decisions.forEach(record);
    } else if (ACTIONS.has(origin.type)) {
      const decision = (origin.input as { decision: Decision }).decision;
      const logged = byDecisionId.get(decision.id);
      if (!logged) continue;
      logged.outcome = completed
        ? (firstPayload(completed.result?.payloads) as ActionOutcome)
        : {
            status: 'failed',
            detail: event.activityTaskFailedEventAttributes?.failure?.message ?? 'failed',
          };
    }
    function record(decision: Decision): void {
      const logged: LoggedDecision = { at, sweepId, runId, decision };
      decisions.push(logged);
      byDecisionId.set(decision.id, logged);
    }
  }
  return decisions;
}

/** A completed local activity is a marker: its type is in `data`, its return value in `result`. */
function localActivityResult(event: HistoryEvent): { type: string; result: unknown } | undefined {
  const marker = event.markerRecordedEventAttributes;
  if (marker?.markerName !== LOCAL_ACTIVITY_MARKER || marker.failure) return undefined;
  const data = firstPayload(marker.details?.data?.payloads) as
    { activity_type?: string } | undefined;
  const result = firstPayload(marker.details?.result?.payloads);
  return data?.activity_type && result !== undefined
    ? { type: data.activity_type, result }
    : undefined;
}

function firstPayload(payloads: temporal.api.common.v1.IPayload[] | null | undefined): unknown {
  const [first] = payloads ?? [];
  return first ? defaultPayloadConverter.fromPayload(first) : undefined;
}

function eventTime(event: HistoryEvent): string {
  const seconds = Number(event.eventTime?.seconds ?? 0);
  const nanos = event.eventTime?.nanos ?? 0;
  return new Date(seconds * 1000 + Math.floor(nanos / 1e6)).toISOString();
}
