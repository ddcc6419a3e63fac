// The lines the Temporal Web UI shows for a sweep: a summary per activity and local activity, the
// sweep's static summary and its current details, so an operator reads who and what without
// opening payloads (which hold the full request id and decision). Only user names, short request
// ids, resource counts, patterns and counts: never a request's reason (a user's free text).
// Pure: imported by workflow code.
import { describeAsk, shortId, type ResourceId } from '../../domain/accessRequest';
import { RULES } from '../../policy/registry';
import type { Decision } from '../../policy/types';
import type { SweepCounts, SweepInput } from '../sweepTypes';

/** Long enough for a user, a request id and a few words; user names are not bounded. */
const MAX_LENGTH = 160;
/** The counts a sweep's details give, in the order an operator reads them. */
const OUTCOMES = ['approved', 'denied', 'locked', 'skipped', 'failed'] as const;

/** What an approval names: the request's roles and resources. */
export interface Ask {
  roles: string[];
  resources: Array<Pick<ResourceId, 'kind'>>;
}

export function evaluateRequestSummary(request: { id: string; user: string }): string {
  return oneLine(`evaluate request ${request.user} ${shortId(request.id)}`);
}

export function evaluateUserSummary(user: string): string {
  return oneLine(`evaluate user ${user}`);
}

/** "read page 2 of pending requests"; a targeted sweep reads the requests it was told of. */
export function readPageSummary(page: number, targets?: string[]): string {
  if (targets) return `read ${plural(targets.length, 'changed request')}`;
  return `read page ${page} of pending requests`;
}

/** Requests left to humans no longer pending: what did the humans decide? */
export function readHumanDecisionsSummary(count: number): string {
  return `read ${plural(count, 'request')} left to humans`;
}

export function readHoldingsSummary(fullEvaluation: boolean): string {
  return fullEvaluation ? 'read holdings of every user (full evaluation)' : 'read holdings';
}

/**
 * "approve alice <id> (2 nodes)", "deny bob <id>: mixes prod and research",
 * "lock alice <id>: resource limit". `ask` describes an approval when the request is at hand.
 */
export function actionSummary(decision: Decision, ask?: Ask): string {
  const head = `${decision.action} ${decision.user} ${shortId(decision.requestId)}`;
  if (decision.action === 'approve') {
    return oneLine(ask ? `${head} (${describeAsk(ask.roles, ask.resources)})` : head);
  }
  const why = decision.action === 'lock' ? lockWhy(decision) : ruleWhy(decision);
  return oneLine(`${head}: ${why}`);
}

/** A denial's or escalation's few words: the rule's own summary (registry), else its name. */
function ruleWhy({ policy, details }: Decision): string {
  const rule = RULES.find((r) => r.name === policy);
  return rule?.summary?.(details) ?? policyWords(policy);
}

function lockWhy({ policy, details }: Decision): string {
  const why = policyWords(policy);
  return details.lockRecreated ? `${why}, lock recreated` : why;
}

/** "resource-limit" reads "resource limit". */
function policyWords(policy: Decision['policy']): string {
  return policy.replaceAll('-', ' ');
}

/**
 * The sweep's static summary, given by the watcher when it starts the sweep: why it runs and
 * what it looks at. "sweep: 3 requests changed", "sweep: poll interval, every user".
 */
export function sweepSummary(
  input: Pick<SweepInput, 'targets' | 'fullEvaluation'>,
  cause?: string,
): string {
  // A sweep at a deadline targets no request: its cause names the deadline.
  const changed = input.targets && (input.targets.length > 0 || cause === undefined);
  const why = changed ? plural(input.targets?.length ?? 0, 'request') + ' changed' : cause;
  const parts = [why ?? 'all pending requests', ...(input.fullEvaluation ? ['every user'] : [])];
  return oneLine(`sweep: ${parts.join(', ')}`);
}

/** Where a run stands: a large sweep continues as new, and only its last run is done. */
export type SweepStage = 'under way' | 'continued as new' | 'done';

export interface SweepProgress {
  counts: SweepCounts;
  /** Runs so far, this one included. */
  runs: number;
  stage: SweepStage;
}

/**
 * The sweep's current details: where it stands and its counts so far, then what it evaluated.
 * "**done**: approved 2, denied 1, locked 1, skipped 0, failed 0", "evaluated 4 requests, 2 users".
 */
export function sweepDetails({ counts, runs, stage }: SweepProgress): string {
  // Escalations (left to humans) show once there are some: older sweeps' counts have none.
  const escalated = counts.escalated ? [`escalated ${counts.escalated}`] : [];
  const outcomes = [...OUTCOMES.map((key) => `${key} ${counts[key]}`), ...escalated].join(', ');
  const requests = plural(counts.evaluatedRequests, 'request');
  const across = runs > 1 ? ` in ${runs} runs` : '';
  const evaluated = `evaluated ${requests}, ${plural(counts.evaluatedUsers, 'user')}${across}`;
  // Markdown, as the Web UI renders it: two trailing spaces break the line.
  return `**${stage}**: ${outcomes}  \n${evaluated}`;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** One line, bounded: names come from Teleport and may hold anything. */
function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > MAX_LENGTH ? `${line.slice(0, MAX_LENGTH - 1)}…` : line;
}
