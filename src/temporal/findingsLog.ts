// Reads back what sweeps learned beside their decisions: where the shadow policy disagreed with
// the live one (`decisions --shadow`) and what humans decided about requests the watcher left to
// them (`agreement`). Both are activity results in the sweep histories, found through the search
// attributes the runs carry (JitShadowDisagreements; JitActions human-approve / human-deny).
import type { Client } from '@temporalio/client';
import type { HumanDecision } from '../policy/agreement';
import type { ShadowDisagreement } from '../policy/shadow';
import { activityCompletions } from './decisionLog';
import { ofCluster } from './names';
import type { HumanDecisionsResult, RequestEvaluation, UserEvaluation } from './sweepTypes';

export interface FindingsQuery {
  /** Only this cluster's sweeps (a namespace may hold several clusters' watchers). */
  cluster?: string;
  since?: Date;
  user?: string;
  requestId?: string;
  /** Sweep runs to read at most, newest first. */
  maxRuns?: number;
}

export interface LoggedDisagreement extends ShadowDisagreement {
  at: string;
  sweepId: string;
  runId: string;
}

export interface LoggedHumanDecision extends HumanDecision {
  /** When the sweep read the human decision. */
  at: string;
  sweepId: string;
}

export async function findShadowDisagreements(
  client: Client,
  q: FindingsQuery,
): Promise<LoggedDisagreement[]> {
  const out: LoggedDisagreement[] = [];
  for await (const run of sweepRuns(client, `JitShadowDisagreements > 0`, q)) {
    for (const done of activityCompletions(run.events)) {
      const found =
        done.type === 'evaluateRequest'
          ? [(done.result as RequestEvaluation | undefined)?.shadow]
          : done.type === 'evaluateUser'
            ? ((done.result as UserEvaluation | undefined)?.shadow ?? [])
            : [];
      for (const d of found) {
        if (!d || !matches(d, q)) continue;
        out.push({ ...d, at: done.at, sweepId: run.workflowId, runId: run.runId });
      }
    }
  }
  return byTime(out);
}

export async function findHumanDecisions(
  client: Client,
  q: FindingsQuery,
): Promise<LoggedHumanDecision[]> {
  const out: LoggedHumanDecision[] = [];
  const query = `(JitActions = 'human-approve' OR JitActions = 'human-deny')`;
  for await (const run of sweepRuns(client, query, q)) {
    for (const done of activityCompletions(run.events)) {
      if (done.type !== 'readHumanDecisions' || !done.result) continue;
      for (const d of (done.result as HumanDecisionsResult).decided)
        if (matches(d, q)) out.push({ ...d, at: done.at, sweepId: run.workflowId });
    }
  }
  return byTime(out);
}

function matches(d: { user: string; requestId: string }, q: FindingsQuery): boolean {
  return (!q.user || d.user === q.user) && (!q.requestId || d.requestId === q.requestId);
}

function byTime<T extends { at: string }>(found: T[]): T[] {
  return found.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}

type Events = Parameters<typeof activityCompletions>[0];

/** Each sweep run matching the clause (or indexed by a decisionIndex child that does), once. */
async function* sweepRuns(
  client: Client,
  clause: string,
  q: FindingsQuery,
): AsyncGenerator<{ workflowId: string; runId: string; events: Events }> {
  const clauses = [`(WorkflowType = 'sweep' OR WorkflowType = 'decisionIndex')`, clause];
  if (q.since) clauses.push(`StartTime > '${q.since.toISOString()}'`);
  const read = new Set<string>();
  for await (const found of client.workflow.list({ query: clauses.join(' AND ') })) {
    const parent = found.parentExecution;
    const run =
      found.type === 'decisionIndex'
        ? parent?.workflowId && parent.runId
          ? { workflowId: parent.workflowId, runId: parent.runId }
          : undefined
        : found;
    if (!run || read.has(run.runId)) continue;
    if (q.cluster && !ofCluster(run.workflowId, q.cluster)) continue;
    if (read.size >= (q.maxRuns ?? 500)) return;
    read.add(run.runId);
    const history = await client.workflow.getHandle(run.workflowId, run.runId).fetchHistory();
    yield { workflowId: run.workflowId, runId: run.runId, events: history.events ?? [] };
  }
}
