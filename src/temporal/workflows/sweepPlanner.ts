// How a sweep splits its work: when a workflow task is full, when to read the next page or
// continue as new, which user to evaluate next, and how outcomes are counted. Plain data in,
// plain data out, so the arithmetic is unit-tested without a server and sweep.ts only does
// what it says. Pure: imported by workflow code (no Temporal imports, no I/O, no clock).
import type { Action } from '../../policy/types';
import type { ActionOutcome, SweepCounts, SweepLimits } from '../sweepTypes';

/** Production limits; tests pass smaller ones in SweepInput.limits. */
export const DEFAULT_LIMITS: SweepLimits = {
  // ~330 B for a request with one resource and a short reason: ~160 KiB a page.
  pageSize: 500,
  // Requests with long reasons or many resources make smaller pages, far below 512 KiB.
  pageBytes: 256 * 1024,
  // ~1,000 history events per page keeps a run far below 10,240 events.
  pagesPerRun: 4,
  // A workflow task holds every local activity result since the last page read, and the worker
  // sends them in one gRPC message: at ~1 KB each this stays far below the server's 4 MiB limit
  // (past it the task fails and those results never reach the history).
  resultsPerTask: 1_500,
};

/**
 * Local activities scheduled since the last page read. Their results all leave in one workflow
 * task, one gRPC message the server caps at 4 MiB, so a run stops scheduling at `limit`.
 */
export interface TaskBudget {
  used: number;
  limit: number;
}

/** A fresh budget: reading a page closes the workflow task that carried the results before it. */
export function freshTask(limits: Pick<SweepLimits, 'resultsPerTask'>): TaskBudget {
  return { used: 0, limit: limits.resultsPerTask };
}

/** The budget once one more local activity is scheduled. */
export function spend(budget: TaskBudget): TaskBudget {
  return { ...budget, used: budget.used + 1 };
}

/**
 * The budget once a result arrived carrying `inputsLength` characters of recorded inputs (a user
 * evaluation's holdings, src/policy/inputs.ts): each ~1 KB of them counts as one more result, so
 * a task of users with many holdings stays as far below 4 MiB as one of plain results. Results of
 * workers from before inputs carry none and spend nothing, so their histories replay as they ran.
 */
export function spendInputs(budget: TaskBudget, inputsLength: number): TaskBudget {
  const extra = Math.floor(inputsLength / INPUT_CHARS_PER_RESULT);
  return extra > 0 ? { ...budget, used: budget.used + extra } : budget;
}

/** What one budgeted result stands for (resultsPerTask's "~1 KB each"). */
const INPUT_CHARS_PER_RESULT = 1024;

export function hasRoom(budget: TaskBudget): boolean {
  return budget.used < budget.limit;
}

/** Local activities the task can still take: the most users a run can still evaluate. */
export function roomLeft(budget: TaskBudget): number {
  return Math.max(0, budget.limit - budget.used);
}

/** What follows a handled page of pending requests. */
export type AfterPage = 'next page' | 'continue as new' | 'users';

export interface PageDone {
  /** Pages this run has handled, this one included (1 for the first). */
  pageInRun: number;
  /** Teleport's key for the next page; absent when this was the last. */
  nextKey?: string;
  pagesPerRun: number;
  /** Temporal's hint that this run's history is getting large. */
  continueAsNewSuggested: boolean;
}

/**
 * The last page leads to the users; otherwise read the next page in this run until it has
 * handled `pagesPerRun` pages or Temporal suggests a new run.
 */
export function afterPage(page: PageDone): AfterPage {
  if (!page.nextKey) return 'users';
  if (page.pageInRun >= page.pagesPerRun || page.continueAsNewSuggested) return 'continue as new';
  return 'next page';
}

/** Users left in the queue wait for the next run. */
export function afterUsers(userQueue: string[]): 'continue as new' | 'done' {
  return userQueue.length > 0 ? 'continue as new' : 'done';
}

/** The users to evaluate, deduplicated and sorted, so every run (and replay) sees one order. */
export function enqueue(userQueue: string[], users: string[]): string[] {
  return [...new Set([...userQueue, ...users])].sort();
}

export interface UserQueues {
  /** Users still to evaluate. */
  userQueue: string[];
  /** Users this sweep approved something for: evaluated once every page is handled. */
  touchedUsers: string[];
}

/**
 * After a page: the users approved for join `touchedUsers`, and after the last page they join
 * the queue (an approval may push someone over a limit).
 */
export function pageHandled(
  queues: UserQueues,
  approvedFor: Array<string | undefined>,
  lastPage: boolean,
): UserQueues {
  const approved = approvedFor.filter((user): user is string => user !== undefined);
  const touchedUsers = enqueue(queues.touchedUsers, approved);
  const userQueue = lastPage ? enqueue(queues.userQueue, touchedUsers) : queues.userQueue;
  return { userQueue, touchedUsers };
}

/**
 * The positions of a page's requests in rounds of at most one per user: round r holds each user's
 * r-th request, in page order. Under budgets a user's requests are judged one round after another.
 */
export function userRounds(users: string[]): number[][] {
  const rounds: number[][] = [];
  const seen = new Map<string, number>();
  users.forEach((user, i) => {
    const round = seen.get(user) ?? 0;
    seen.set(user, round + 1);
    (rounds[round] ??= []).push(i);
  });
  return rounds;
}

/** The next user to evaluate and the queue without them; none when empty or the task is full. */
export function takeUser(
  userQueue: string[],
  budget: TaskBudget,
): { user: string; userQueue: string[] } | undefined {
  const [user, ...rest] = userQueue;
  if (user === undefined || !hasRoom(budget)) return undefined;
  return { user, userQueue: rest };
}

/**
 * The counts once a decision's action ended with `status`. Dry runs count as what they would
 * have done; one left to humans counts as escalated; a decision to do nothing counts nowhere.
 */
export function tally(
  counts: SweepCounts,
  action: Action,
  outcome: Pick<ActionOutcome, 'status' | 'requestState'>,
): SweepCounts {
  const key = countKey(action, outcome);
  // `escalated` is absent from counts carried by runs from before escalations.
  return key ? { ...counts, [key]: (counts[key] ?? 0) + 1 } : counts;
}

function countKey(
  action: Action,
  { status, requestState }: Pick<ActionOutcome, 'status' | 'requestState'>,
): keyof SweepCounts | undefined {
  if (status === 'failed' || status === 'skipped' || status === 'escalated') return status;
  if (status !== 'applied' && status !== 'dry-run') return undefined;
  // A review that leaves the request PENDING (role thresholds) was applied but approved nothing.
  if (action === 'approve') return leftPending({ requestState }) ? undefined : 'approved';
  if (action === 'deny') return 'denied';
  if (action === 'lock') return 'locked';
  return undefined;
}

/** An approval submitted as a review that the request's thresholds left PENDING. */
export function leftPending(outcome: Pick<ActionOutcome, 'requestState'>): boolean {
  return outcome.requestState === 'PENDING';
}
