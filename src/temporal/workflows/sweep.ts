// One sweep of the cluster as its own workflow, so its history is the audit of that sweep:
// plan (read the cluster), evaluate each pending request, act on each decision, then evaluate
// each user whose holdings changed and lock what the policy says. Large sweeps continue as new
// every few pages so no run's history or payload grows with the size of the cluster.
// Workflow code: deterministic, no I/O; time comes from the workflow clock.
import {
  continueAsNew,
  proxyLocalActivities,
  proxyActivities,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Decision } from '../../policy/types';
import type * as activities from '../activities';
import { JIT_ACTIONS, JIT_DRY_RUN, JIT_REQUEST_IDS, JIT_USERS } from '../searchAttributes';
import {
  emptyCounts,
  type ActionOutcome,
  type DecisionRecord,
  type SweepInput,
  type SweepLimits,
  type SweepPlan,
  type SweepResult,
  type SweepResume,
} from '../sweepTypes';
import type { AccessRequestJson } from '../requestJson';
import { ACTION_OPTIONS, EVALUATE_OPTIONS, JUDGE_OPTIONS, READ_OPTIONS } from './activityOptions';
import { cappedKeywords } from './keywords';
import { failureMessage } from './failureMessage';

/** Production limits; tests pass smaller ones in SweepInput.limits. */
const DEFAULT_LIMITS: SweepLimits = {
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
/** Users evaluated at once; each goes on to its locks, which run together. */
const USER_LANES = 100;
/** Recent decisions a sweep reports back to the watcher. */
const RECENT_LIMIT = 50;
/** Errors a sweep reports back: the latest say enough, all of them are in the history. */
const ERROR_LIMIT = 20;

// Reading the cluster is a regular activity: one per page, and it may take a while. A regular
// activity is scheduled only when the workflow task closes, which waits for the local activities
// under way: so each page's results leave in a task of their own, however large the sweep.
const read = proxyActivities<typeof activities>(READ_OPTIONS);
// Judging a request, evaluating a user and each approve, deny or lock take milliseconds. As local
// activities they run in this worker without a server round trip (and three history events) per
// call; each one's result is still recorded in the history, as a marker, and retried by policy.
// That roughly halved a large sweep's time and cut its history by 60% (bench/RESULTS.md).
const judge = proxyLocalActivities<typeof activities>(JUDGE_OPTIONS);
const evaluate = proxyLocalActivities<typeof activities>(EVALUATE_OPTIONS);
const act = proxyLocalActivities<typeof activities>(ACTION_OPTIONS);

export async function sweep(input: SweepInput): Promise<SweepResult> {
  const state: SweepResume = input.resume ?? {
    phase: 'pending',
    userQueue: [],
    touchedUsers: [],
    fingerprints: { ...input.fingerprints },
    counts: emptyCounts(),
    recent: [],
    errors: [],
    runs: 0,
  };
  state.runs += 1;
  const run = new SweepRun(input, state);

  if (state.phase === 'pending') {
    // Holdings are read once per sweep, alongside its first page: users this sweep approves
    // something for are evaluated anyway, so reading them before the approvals loses nothing.
    const [more] = await bothSettled(
      run.pendingPages(),
      state.runs === 1 ? run.planUsers() : undefined,
    );
    if (more) {
      run.publishSearchAttributes();
      return continueAsNew<typeof sweep>(carryOver(input, state));
    }
    state.phase = 'users';
  }
  await run.usersBatch();
  run.publishSearchAttributes();
  if (state.userQueue.length > 0) return continueAsNew<typeof sweep>(carryOver(input, state));

  return {
    fingerprints: state.fingerprints,
    counts: state.counts,
    recent: state.recent,
    errors: state.errors.slice(-ERROR_LIMIT),
    runs: state.runs,
  };
}

/** The next run's input; fingerprints travel once, in `resume`. */
function carryOver(input: SweepInput, state: SweepResume): SweepInput {
  return {
    ...input,
    fingerprints: {},
    resume: { ...state, errors: state.errors.slice(-ERROR_LIMIT) },
  };
}

/** The work of one run; its fields are this run's view, `state` is carried across runs. */
class SweepRun {
  private readonly acted: DecisionRecord[] = [];
  private readonly at = new Date(Date.now()).toISOString();
  /** Local activities scheduled since the last page read: their results share a workflow task. */
  private results = 0;
  private readonly limits: SweepLimits;

  constructor(
    private readonly input: SweepInput,
    private readonly state: SweepResume,
  ) {
    this.limits = input.limits ?? DEFAULT_LIMITS;
  }

  /**
   * Evaluates and acts on up to `pagesPerRun` pages of pending requests, one page after the
   * other; true when more pages follow for the next run. (Reading the next page while this one is
   * handled gains nothing: the read would only leave with the task, after this page's work.)
   */
  async pendingPages(): Promise<boolean> {
    for (let page = 1; ; page++) {
      const plan = await this.readPage(this.state.afterKey);
      await this.handlePage(plan);
      this.state.afterKey = plan.nextKey;
      if (!plan.nextKey) return false;
      if (page >= this.limits.pagesPerRun || workflowInfo().continueAsNewSuggested) return true;
    }
  }

  private async readPage(afterKey: string | undefined): Promise<SweepPlan> {
    const plan = await read.planSweep({
      afterKey,
      pageSize: this.limits.pageSize,
      pageBytes: this.limits.pageBytes,
      ...(this.input.targets ? { targets: this.input.targets } : {}),
    });
    // The read went out with the workflow task that carried the results before it.
    this.results = 0;
    return plan;
  }

  private async handlePage(plan: SweepPlan): Promise<void> {
    this.state.userQueue = union(plan.changedUsers, this.state.userQueue);
    // Each request's chain (judge, then act) is independent of the others: run them together.
    const approvedFor = await Promise.all(plan.pending.map((r) => this.handleRequest(r, plan.now)));
    const touched = approvedFor.filter((user): user is string => user !== undefined);
    this.state.touchedUsers = union(this.state.touchedUsers, touched);
    if (!plan.nextKey) this.state.userQueue = union(this.state.userQueue, this.state.touchedUsers);
  }

  /** Judges one pending request and acts on it; the user's name when it was approved. */
  private async handleRequest(
    request: AccessRequestJson,
    now: string,
  ): Promise<string | undefined> {
    let decision: Decision;
    try {
      this.results += 1;
      decision = await judge.evaluateRequest({ request, policy: this.input.policy, now });
    } catch (err) {
      this.state.errors.push(`evaluate ${request.id}: ${failureMessage(err)}`);
      return undefined;
    }
    this.state.counts.evaluatedRequests += 1;
    const outcome = await this.apply(decision);
    return decision.action === 'approve' && outcome.status === 'applied' && !leftPending(outcome)
      ? decision.user
      : undefined;
  }

  /** Queues the users whose holdings changed; a targeted sweep was told them by its plan. */
  async planUsers(): Promise<void> {
    if (this.input.targets) return;
    const plan = await read.planUsers({
      fingerprints: this.state.fingerprints,
      fullEvaluation: this.input.fullEvaluation,
    });
    this.state.userQueue = union(plan.changedUsers, this.state.userQueue);
    // Evaluations later in this sweep set fresh fingerprints for whoever holds something again.
    for (const user of plan.goneUsers) delete this.state.fingerprints[user];
  }

  /**
   * Evaluates queued users, USER_LANES at a time, and locks what each evaluation says, until the
   * queue is empty or this run's workflow task holds `resultsPerTask` results; the rest wait for
   * the next run.
   */
  async usersBatch(): Promise<void> {
    const lane = async (): Promise<void> => {
      let user: string | undefined;
      while (this.results < this.limits.resultsPerTask && (user = this.state.userQueue.shift())) {
        await this.evaluateUser(user);
      }
    };
    await Promise.all(Array.from({ length: USER_LANES }, lane));
  }

  private async evaluateUser(user: string): Promise<void> {
    try {
      this.results += 1;
      const result = await evaluate.evaluateUser({
        user,
        policy: this.input.policy,
        fingerprint: this.state.fingerprints[user],
      });
      this.state.counts.evaluatedUsers += 1;
      this.state.fingerprints[user] = result.fingerprint;
      // Each lock targets its own request: they go out together.
      await Promise.all(result.decisions.map((decision) => this.apply(decision)));
    } catch (err) {
      this.state.errors.push(`evaluate ${user}: ${failureMessage(err)}`);
      // Forget the fingerprint so the next sweep evaluates this user again.
      delete this.state.fingerprints[user];
    }
  }

  private async apply(decision: Decision): Promise<ActionOutcome> {
    const outcome = await this.runAction(decision);
    const record: DecisionRecord = {
      at: this.at,
      sweepId: workflowInfo().workflowId,
      decision,
      outcome,
    };
    this.count(decision, outcome);
    if (decision.action !== 'none' || outcome.status === 'failed') {
      this.acted.push(record);
      this.state.recent = [...this.state.recent, record].slice(-RECENT_LIMIT);
    }
    return outcome;
  }

  private async runAction(decision: Decision): Promise<ActionOutcome> {
    if (decision.action === 'none') return { status: 'none', detail: decision.reason };
    if (decision.dryRun) return { status: 'dry-run', detail: `dry run: would ${decision.action}` };
    const input = { decision, reviewMode: this.input.policy.reviewMode };
    this.results += 1;
    try {
      switch (decision.action) {
        case 'approve':
          return await act.approveRequest(input);
        case 'deny':
          return await act.denyRequest(input);
        case 'lock':
          return await act.lockRequest(input);
      }
    } catch (err) {
      const detail = failureMessage(err);
      this.state.errors.push(`${decision.action} ${decision.requestId}: ${detail}`);
      return { status: 'failed', detail };
    }
  }

  private count(decision: Decision, outcome: ActionOutcome): void {
    const counts = this.state.counts;
    if (outcome.status === 'failed') counts.failed += 1;
    else if (outcome.status === 'skipped') counts.skipped += 1;
    else if (outcome.status === 'applied' || outcome.status === 'dry-run') {
      if (decision.action === 'approve' && !leftPending(outcome)) counts.approved += 1;
      if (decision.action === 'deny') counts.denied += 1;
      if (decision.action === 'lock') counts.locked += 1;
    }
  }

  /** Makes this run findable by user, request and action in `temporal workflow list`. */
  publishSearchAttributes(): void {
    if (this.acted.length === 0) return;
    upsertSearchAttributes([
      { key: JIT_USERS, value: cappedKeywords(this.acted.map((r) => r.decision.user)) },
      { key: JIT_REQUEST_IDS, value: cappedKeywords(this.acted.map((r) => r.decision.requestId)) },
      { key: JIT_ACTIONS, value: cappedKeywords(this.acted.map((r) => r.decision.action)) },
      { key: JIT_DRY_RUN, value: this.acted.some((r) => r.decision.dryRun === true) },
    ]);
  }
}

/**
 * Both results once both have settled (an absent one is undefined). A failure of either is thrown
 * only then, so a failed run never leaves an activity of its own running.
 */
async function bothSettled<A, B>(
  a: Promise<A> | undefined,
  b: Promise<B> | undefined,
): Promise<[A | undefined, B | undefined]> {
  const [ra, rb] = await Promise.allSettled([a, b]);
  if (ra.status === 'rejected') throw ra.reason;
  if (rb.status === 'rejected') throw rb.reason;
  return [ra.value, rb.value];
}

/** A review that leaves the request PENDING (role thresholds) was applied but approved nothing. */
function leftPending(outcome: ActionOutcome): boolean {
  return outcome.requestState === 'PENDING';
}

function union(a: string[], b: string[]): string[] {
  return [...new Set([...a, ...b])].sort();
}
