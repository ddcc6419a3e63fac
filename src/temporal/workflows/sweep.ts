// One sweep of the cluster as its own workflow, so its history is the audit of that sweep:
// plan (read the cluster), evaluate each pending request, act on each decision, then evaluate
// each user whose holdings changed and lock what the policy says. Large sweeps continue as new
// every few pages so no run's history or payload grows with the size of the cluster.
// Workflow code: deterministic, no I/O; time comes from the workflow clock.
import {
  continueAsNew,
  proxyLocalActivities,
  proxyActivities,
  setCurrentDetails,
  workflowInfo,
  type LocalActivityOptions,
} from '@temporalio/workflow';
import type { Deadline } from '../../policy/deadlines';
import type { Decision } from '../../policy/types';
import type * as activities from '../activities';
import {
  decisionOf,
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
import { keepEarliest } from './deadlineList';
import { publishDecisionIndex } from './decisionIndex';
import { failureMessage } from './failureMessage';
import {
  actionSummary,
  evaluateRequestSummary,
  evaluateUserSummary,
  readHoldingsSummary,
  readPageSummary,
  sweepDetails,
  type Ask,
  type SweepStage,
} from './summaries';
import {
  DEFAULT_LIMITS,
  afterPage,
  afterUsers,
  enqueue,
  freshTask,
  pageHandled,
  spend,
  spendInputs,
  takeUser,
  leftPending,
  tally,
  type TaskBudget,
} from './sweepPlanner';

/** Users evaluated at once; each goes on to its locks, which run together. */
const USER_LANES = 100;
/** Recent decisions a sweep reports back to the watcher. */
const RECENT_LIMIT = 50;
/** Errors a sweep reports back: the latest say enough, all of them are in the history. */
const ERROR_LIMIT = 20;

// Reading the cluster is a regular activity: one per page, and it may take a while. A regular
// activity is scheduled only when the workflow task closes, which waits for the local activities
// under way: so each page's results leave in a task of their own, however large the sweep.
// Each call carries its own summary, the line the Web UI shows for it.
const read = (summary: string) => proxyActivities<typeof activities>({ ...READ_OPTIONS, summary });
// Judging a request, evaluating a user and each approve, deny or lock take milliseconds. As local
// activities (SweepRun.local) they run in this worker without a server round trip (and three
// history events) per call; each one's result is still recorded in the history, as a marker, and
// retried by policy. That roughly halved a large sweep's time and cut its history by 60%
// (bench/RESULTS.md).

export async function sweep(input: SweepInput): Promise<SweepResult> {
  const state: SweepResume = input.resume ?? {
    phase: 'pending',
    // Users whose deadline passed are evaluated whatever their fingerprint says.
    userQueue: enqueue([], input.users ?? []),
    touchedUsers: [],
    fingerprints: { ...input.fingerprints },
    counts: emptyCounts(),
    recent: [],
    errors: [],
    runs: 0,
    pagesRead: 0,
  };
  state.runs += 1;
  const run = new SweepRun(input, state);
  run.showProgress('under way');

  if (state.phase === 'pending') {
    // Holdings are read once per sweep, alongside its first page: users this sweep approves
    // something for are evaluated anyway, so reading them before the approvals loses nothing.
    const [more] = await bothSettled(
      run.pendingPages(),
      state.runs === 1 ? run.planUsers() : undefined,
    );
    if (more) {
      await run.publishSearchAttributes();
      run.showProgress('continued as new');
      return continueAsNew<typeof sweep>(carryOver(input, state));
    }
    state.phase = 'users';
  }
  await run.usersBatch();
  await run.publishSearchAttributes();
  if (afterUsers(state.userQueue) === 'continue as new') {
    run.showProgress('continued as new');
    return continueAsNew<typeof sweep>(carryOver(input, state));
  }

  run.showProgress('done');
  return {
    fingerprints: state.fingerprints,
    counts: state.counts,
    recent: state.recent,
    errors: state.errors.slice(-ERROR_LIMIT),
    runs: state.runs,
    ...(state.deadlines ? { deadlines: state.deadlines } : {}),
    ...(state.deadlinesCut ? { deadlinesCut: true } : {}),
    ...(state.clock ? { clock: state.clock } : {}),
    ...(state.escalated ? { escalated: state.escalated } : {}),
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
  private readonly limits: SweepLimits;
  /** Local activities scheduled since the last page read: their results share a workflow task. */
  private budget: TaskBudget;
  /** Escalations recorded before: by earlier sweeps, or earlier runs of this one. */
  private readonly escalatedBefore: ReadonlySet<string>;

  constructor(
    private readonly input: SweepInput,
    private readonly state: SweepResume,
  ) {
    this.escalatedBefore = new Set([...(input.escalated ?? []), ...(state.escalated ?? [])]);
    this.limits = input.limits ?? DEFAULT_LIMITS;
    this.budget = freshTask(this.limits);
  }

  /** Every local activity is scheduled through here, so each one counts against the budget. */
  private local(options: LocalActivityOptions, summary: string) {
    this.budget = spend(this.budget);
    return proxyLocalActivities<typeof activities>({ ...options, summary });
  }

  /** The sweep's current details in the Web UI: its counts so far. */
  showProgress(stage: SweepStage): void {
    setCurrentDetails(sweepDetails({ counts: this.state.counts, runs: this.state.runs, stage }));
  }

  /**
   * Evaluates and acts on up to `pagesPerRun` pages of pending requests, one page after the
   * other; true when more pages follow for the next run. (Reading the next page while this one is
   * handled gains nothing: the read would only leave with the task, after this page's work.)
   */
  async pendingPages(): Promise<boolean> {
    for (let pageInRun = 1; ; pageInRun++) {
      const plan = await this.readPage(this.state.afterKey);
      await this.handlePage(plan);
      this.state.afterKey = plan.nextKey;
      this.showProgress('under way');
      const next = afterPage({
        pageInRun,
        nextKey: plan.nextKey,
        pagesPerRun: this.limits.pagesPerRun,
        continueAsNewSuggested: workflowInfo().continueAsNewSuggested,
      });
      if (next !== 'next page') return next === 'continue as new';
    }
  }

  private async readPage(afterKey: string | undefined): Promise<SweepPlan> {
    // Runs started before pages were numbered carry no count.
    this.state.pagesRead = (this.state.pagesRead ?? 0) + 1;
    const before = Date.now();
    const plan = await read(readPageSummary(this.state.pagesRead, this.input.targets)).planSweep({
      afterKey,
      pageSize: this.limits.pageSize,
      pageBytes: this.limits.pageBytes,
      ...(this.input.targets ? { targets: this.input.targets } : {}),
    });
    // The read's Teleport `now` was taken somewhere between the workflow time the read was
    // scheduled at and the one its result arrived at: the middle of the two is off by at most
    // half that round trip (as NTP reasons). The watcher maps deadlines to workflow time with it.
    const middle = before + Math.floor((Date.now() - before) / 2);
    this.state.clock = { teleportNow: plan.now, workflowAt: new Date(middle).toISOString() };
    // The read went out with the workflow task that carried the results before it.
    this.budget = freshTask(this.limits);
    return plan;
  }

  private async handlePage(plan: SweepPlan): Promise<void> {
    this.state.userQueue = enqueue(this.state.userQueue, plan.changedUsers);
    // Each request's chain (judge, then act) is independent of the others: run them together.
    const approvedFor = await Promise.all(plan.pending.map((r) => this.handleRequest(r, plan.now)));
    const queues = pageHandled(this.state, approvedFor, !plan.nextKey);
    this.state.userQueue = queues.userQueue;
    this.state.touchedUsers = queues.touchedUsers;
  }

  /** Judges one pending request and acts on it; the user's name when it was approved. */
  private async handleRequest(
    request: AccessRequestJson,
    now: string,
  ): Promise<string | undefined> {
    let decision: Decision;
    try {
      const judge = this.local(JUDGE_OPTIONS, evaluateRequestSummary(request));
      // The policy version and inputs beside the decision stay in the history, not in actions.
      decision = decisionOf(
        await judge.evaluateRequest({ request, policy: this.input.policy, now }),
      );
    } catch (err) {
      this.state.errors.push(`evaluate ${request.id}: ${failureMessage(err)}`);
      return undefined;
    }
    this.state.counts.evaluatedRequests += 1;
    const outcome = await this.apply(decision, request);
    return decision.action === 'approve' && outcome.status === 'applied' && !leftPending(outcome)
      ? decision.user
      : undefined;
  }

  /** Queues the users whose holdings changed; a targeted sweep was told them by its plan. */
  async planUsers(): Promise<void> {
    if (this.input.targets) return;
    const plan = await read(readHoldingsSummary(this.input.fullEvaluation)).planUsers({
      fingerprints: this.state.fingerprints,
      fullEvaluation: this.input.fullEvaluation,
    });
    this.state.userQueue = enqueue(this.state.userQueue, plan.changedUsers);
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
      let next: ReturnType<typeof takeUser>;
      while ((next = takeUser(this.state.userQueue, this.budget))) {
        this.state.userQueue = next.userQueue;
        await this.evaluateUser(next.user);
      }
    };
    await Promise.all(Array.from({ length: USER_LANES }, lane));
  }

  private async evaluateUser(user: string): Promise<void> {
    try {
      const evaluate = this.local(EVALUATE_OPTIONS, evaluateUserSummary(user));
      const result = await evaluate.evaluateUser({
        user,
        policy: this.input.policy,
        fingerprint: this.state.fingerprints[user],
      });
      this.state.counts.evaluatedUsers += 1;
      // The holdings recorded beside the decisions weigh on this task's message too.
      if (result.inputs)
        this.budget = spendInputs(this.budget, JSON.stringify(result.inputs).length);
      this.state.fingerprints[user] = result.fingerprint;
      this.keepDeadline(user, result.nextDeadline);
      // Each lock targets its own request: they go out together.
      await Promise.all(result.decisions.map((decision) => this.apply(decision)));
    } catch (err) {
      this.state.errors.push(`evaluate ${user}: ${failureMessage(err)}`);
      // Forget the fingerprint so the next sweep evaluates this user again.
      delete this.state.fingerprints[user];
    }
  }

  /** Keeps the user's next deadline among the earliest few; the watcher sets its timer by them. */
  private keepDeadline(user: string, deadline: Deadline | undefined): void {
    // Results of older workers carry none; a user without one has nothing to add.
    if (!deadline || deadline.user !== user) return;
    const kept = keepEarliest(this.state.deadlines ?? [], [deadline]);
    this.state.deadlines = kept.deadlines;
    if (kept.cut) this.state.deadlinesCut = true;
  }

  /** `ask`: the request judged, when the decision is about a pending one. */
  private async apply(decision: Decision, ask?: Ask): Promise<ActionOutcome> {
    if (decision.action === 'escalate') {
      // Left to humans, as an earlier sweep already recorded: nothing new to say or count.
      if (this.escalatedBefore.has(decision.id))
        return { status: 'escalated', detail: 'still left to humans' };
      this.state.escalated = [...(this.state.escalated ?? []), decision.id];
    }
    const outcome = await this.runAction(decision, ask);
    const record: DecisionRecord = {
      at: this.at,
      sweepId: workflowInfo().workflowId,
      decision,
      outcome,
    };
    this.state.counts = tally(this.state.counts, decision.action, outcome);
    if (decision.action !== 'none' || outcome.status === 'failed') {
      this.acted.push(record);
      this.state.recent = [...this.state.recent, record].slice(-RECENT_LIMIT);
    }
    return outcome;
  }

  private async runAction(decision: Decision, ask?: Ask): Promise<ActionOutcome> {
    if (decision.action === 'none') return { status: 'none', detail: decision.reason };
    // Left to humans: recorded with its reason, nothing written to Teleport (no review either).
    if (decision.action === 'escalate') return { status: 'escalated', detail: decision.reason };
    if (decision.dryRun) return { status: 'dry-run', detail: `dry run: would ${decision.action}` };
    const input = { decision, reviewMode: this.input.policy.reviewMode };
    const act = this.local(ACTION_OPTIONS, actionSummary(decision, ask));
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

  /** Makes every decision of this run findable by user, request and action (decisionIndex.ts). */
  async publishSearchAttributes(): Promise<void> {
    const entries = this.acted.map(({ decision: d }) => ({
      user: d.user,
      requestId: d.requestId,
      action: d.action,
      dryRun: d.dryRun === true,
    }));
    await publishDecisionIndex(entries, this.state.runs);
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
