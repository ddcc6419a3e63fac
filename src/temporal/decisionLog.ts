// Reads recorded decisions back out of Temporal: sweep runs are found through their search
// attributes, or through the decisionIndex children that carry what did not fit on the run, and
// each run's history holds the evaluation results and action outcomes. This is what `jit-watcher
// decisions` prints; Temporal is the only store.
import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import type { EvaluationInputs } from '../policy/inputs';
import type { Decision, Policy } from '../policy/types';
import { firstPayload, readLocalActivityMarker } from './localActivityMarker';
import { ofCluster } from './names';
import {
  decisionOf,
  type ActionOutcome,
  type JudgedRequest,
  type SweepInput,
  type UserEvaluation,
} from './sweepTypes';

export interface DecisionQuery {
  /** Only this cluster's sweeps (a namespace may hold several clusters' watchers). */
  cluster?: string;
  user?: string;
  requestId?: string;
  since?: Date;
  /** Sweep runs to read at most, newest first (default 100; Infinity: every one). */
  maxRuns?: number;
}

export interface LoggedDecision {
  at: string;
  sweepId: string;
  runId: string;
  decision: Decision;
  outcome?: ActionOutcome;
  /** The policy's version (src/policy/version.ts); absent for decisions of older workers. */
  policyVersion?: string;
  /** What the evaluation judged; absent for decisions of older workers. */
  inputs?: EvaluationInputs;
}

/** One evaluation as recorded: a pending request's, or a user's (which may decide nothing). */
export interface RecordedEvaluation {
  at: string;
  sweepId: string;
  runId: string;
  kind: 'pending' | 'user';
  decisions: Decision[];
  policyVersion?: string;
  inputs?: EvaluationInputs;
}

/** One sweep run's history, read: the policy it ran with (its input) and its evaluations. */
export interface SweepRunRecord {
  sweepId: string;
  runId: string;
  policy?: Policy;
  evaluations: RecordedEvaluation[];
  decisions: LoggedDecision[];
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
  for await (const run of sweepRuns(client, q)) out.push(...run.decisions);
  return out.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}

/**
 * Every sweep run the query finds, read, newest first as visibility lists them, with its
 * decisions filtered to the query's user and request. Up to `concurrency` histories are fetched
 * at once; runs come out in listing order all the same.
 */
export async function* sweepRuns(
  client: Client,
  q: DecisionQuery,
  concurrency = 1,
): AsyncGenerator<SweepRunRecord> {
  const read = new Set<string>();
  const inFlight: Array<Promise<SweepRunRecord>> = [];
  const fetchRun = async (run: { workflowId: string; runId: string }) => {
    const history = await client.workflow.getHandle(run.workflowId, run.runId).fetchHistory();
    const record = readSweepRun(history.events ?? [], run.workflowId, run.runId);
    record.decisions = record.decisions.filter(
      (d) =>
        (!q.user || d.decision.user === q.user) &&
        (!q.requestId || d.decision.requestId === q.requestId),
    );
    return record;
  };
  for await (const found of client.workflow.list({ query: visibilityQuery(q) })) {
    const run = found.type === 'decisionIndex' ? indexed(found.parentExecution) : found;
    if (!run || read.has(run.runId)) continue;
    if (q.cluster && !ofCluster(run.workflowId, q.cluster)) continue;
    if (read.size >= (q.maxRuns ?? 100)) break;
    read.add(run.runId);
    const fetching = fetchRun(run);
    // Awaited in turn below; marked handled now so a failure waiting its turn is not "unhandled".
    fetching.catch(() => undefined);
    inFlight.push(fetching);
    const next = inFlight.length >= Math.max(1, concurrency) ? inFlight.shift() : undefined;
    if (next) yield await next;
  }
  for (const next of inFlight) yield await next;
}

/** A sweep run's policy (from its input, the first event), evaluations and decisions. */
export function readSweepRun(
  events: HistoryEvent[],
  sweepId: string,
  runId: string,
): SweepRunRecord {
  const policy = sweepInput(events)?.policy;
  return {
    sweepId,
    runId,
    ...(policy ? { policy } : {}),
    evaluations: evaluationsInHistory(events, sweepId, runId),
    decisions: decisionsInHistory(events, sweepId, runId),
  };
}

function sweepInput(events: HistoryEvent[]): SweepInput | undefined {
  const started = events[0]?.workflowExecutionStartedEventAttributes;
  return firstPayload(started?.input?.payloads) as SweepInput | undefined;
}

/** Every evaluation a run recorded, in history order, with its inputs where it has them. */
export function evaluationsInHistory(
  events: HistoryEvent[],
  sweepId: string,
  runId: string,
): RecordedEvaluation[] {
  const out: RecordedEvaluation[] = [];
  for (const done of activityCompletions(events)) {
    if (!done.result) continue;
    const common = { at: done.at, sweepId, runId };
    if (done.type === 'evaluateRequest') {
      const judged = done.result as JudgedRequest;
      out.push({
        ...common,
        kind: 'pending',
        decisions: [decisionOf(judged)],
        ...recordOf(judged),
      });
    }
    if (done.type === 'evaluateUser') {
      const evaluation = done.result as UserEvaluation;
      out.push({
        ...common,
        kind: 'user',
        decisions: evaluation.decisions,
        ...recordOf(evaluation),
      });
    }
  }
  return out;
}

/** The policy version and inputs a result carries, when its worker recorded them. */
function recordOf(result: {
  policyVersion?: string;
  inputs?: EvaluationInputs;
}): Pick<RecordedEvaluation, 'policyVersion' | 'inputs'> {
  return {
    ...(result.policyVersion ? { policyVersion: result.policyVersion } : {}),
    ...(result.inputs ? { inputs: result.inputs } : {}),
  };
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
  const record = (
    decision: Decision,
    at: string,
    judged: Pick<LoggedDecision, 'policyVersion' | 'inputs'>,
  ): void => {
    const logged: LoggedDecision = { at, sweepId, runId, decision, ...judged };
    decisions.push(logged);
    byDecisionId.set(decision.id, logged);
  };
  for (const done of activityCompletions(events)) {
    if (done.type === 'evaluateRequest' && done.result) {
      const judged = done.result as JudgedRequest;
      record(decisionOf(judged), done.at, recordOf(judged));
    }
    if (done.type === 'evaluateUser' && done.result) {
      const evaluation = done.result as UserEvaluation;
      for (const d of evaluation.decisions) record(d, done.at, recordOf(evaluation));
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
