// One sweep of the cluster as its own workflow, so its history is the audit of that sweep:
// plan (read the cluster), evaluate each pending request and act on each decision, page by page,
// evaluating after each page the users it approved for; then evaluate each other user whose
// holdings changed and lock what the policy says. Large sweeps continue as new every few pages
// so no run's history or payload grows with the size of the cluster.
// Workflow code: deterministic, no I/O; time comes from the workflow clock.
import {
  continueAsNew,
  patched,
  proxyLocalActivities,
  proxyActivities,
  setCurrentDetails,
  upsertSearchAttributes,
  workflowInfo,
  type LocalActivityOptions,
} from '@temporalio/workflow';
import type { AwaitingHuman } from '../../policy/agreement';
import type { Deadline } from '../../policy/deadlines';
import { hasBudgets, usageRetentionMs } from '../../policy/ledger';
import type { Decision } from '../../policy/types';
import type * as activities from '../activities';
import { JIT_SHADOW_DISAGREEMENTS } from '../searchAttributes';
import {
  decisionOf,
  emptyCounts,
  type ActionOutcome,
  type DecisionRecord,
  type RequestEvaluation,
  type ShadowPolicy,
  type SweepInput,
  type SweepLimits,
  type SweepPlan,
  type SweepResult,
  type SweepResume,
  type UserEvaluation,
} from '../sweepTypes';
import type { AccessRequestJson } from '../requestJson';
import { ACTION_OPTIONS, EVALUATE_OPTIONS, JUDGE_OPTIONS, READ_OPTIONS } from './activityOptions';
import { keepEarliest } from './deadlineList';
import { publishDecisionIndex } from './decisionIndex';
import { failureMessage } from './failureMessage';
import { SweepLedger } from './sweepLedger';
import type { IndexEntry } from './keywords';
import {
  actionSummary,
  evaluateRequestSummary,
  evaluateUserSummary,
  readHoldingsSummary,
  readHumanDecisionsSummary,
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
  roomLeft,
  spend,
  spendInputs,
  takeUser,
  userRounds,
  leftPending,
  tally,
  type TaskBudget,
} from './sweepPlanner';

/** Users evaluated at once (a wave); their locks go out together once all are evaluated. */
const USER_LANES = 100;
/** Recent decisions a sweep reports back to the watcher. */
const RECENT_LIMIT = 50;
/** Errors a sweep reports back: the latest say enough, all of them are in the history. */
const ERROR_LIMIT = 20;
/** Requests the watcher awaits humans for, at most (watcherState.ts): a sweep reports no more. */
const LEFT_TO_HUMANS_LIMIT = 200;
/**
 * Shadow mode (a candidate policy judged beside the live one, acting on nothing) and the search
 * attribute on runs where it disagreed. Asked only by sweeps given a shadow, which older ones never were.
 */
const SHADOW_PATCH = 'shadow-policy';
/** Reading what humans decided about requests left to them; sweeps before it never read them. */
const HUMAN_DECISIONS_PATCH = 'human-decisions';
/** Users evaluated in waves (userWave) instead of lanes; sweeps before it ran lanes. */
const USER_WAVES_PATCH = 'user-waves';
/** Users a page approved for evaluated right after it; sweeps before it waited for the last page. */
const PAGE_USERS_PATCH = 'page-users';

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
      await run.writeLedger();
      await run.publishSearchAttributes();
      run.showProgress('continued as new');
      return continueAsNew<typeof sweep>(carryOver(input, state));
    }
    state.phase = 'users';
    await run.readHumanDecisions();
  }
  await run.usersBatch();
  await run.writeLedger();
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
    ...(state.shadowDisagreements ? { shadowDisagreements: state.shadowDisagreements } : {}),
    ...(state.leftToHumans?.length ? { leftToHumans: state.leftToHumans } : {}),
    ...(state.humanDecisions?.length ? { humanDecisions: state.humanDecisions } : {}),
    ...(state.awaitingGone?.length ? { awaitingGone: state.awaitingGone } : {}),
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
  /** The users' recorded use this run read and what it observed, while the policy has budgets. */
  private readonly ledger: SweepLedger | undefined;
  /** Shadow mode's candidate, in sweeps given one (and not replaying a history from before it). */
  private readonly shadow: ShadowPolicy | undefined;
  /** Evaluations in this run where the shadow disagreed: the run's search attribute. */
  private shadowInRun = 0;
  /** Requests the watcher waits to see humans decide, by id. */
  private readonly awaiting: ReadonlyMap<string, AwaitingHuman>;
  /** Human decisions this run read, for the run's search attributes. */
  private readonly humanIndex: Array<{ user: string; requestId: string; action: string }> = [];

  constructor(
    private readonly input: SweepInput,
    private readonly state: SweepResume,
  ) {
    this.escalatedBefore = new Set([...(input.escalated ?? []), ...(state.escalated ?? [])]);
    this.shadow = input.shadow && patched(SHADOW_PATCH) ? input.shadow : undefined;
    this.awaiting = new Map((input.awaitingHumans ?? []).map((a) => [a.requestId, a]));
    this.limits = input.limits ?? DEFAULT_LIMITS;
    this.budget = freshTask(this.limits);
    this.ledger = hasBudgets(input.policy)
      ? new SweepLedger(input.cluster, input.ledgerSince ?? this.at, usageRetentionMs(input.policy))
      : undefined;
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
    // Recorded with the read, so a replay chunks the index as the first run did.
    if (plan.searchAttributeValueLimit)
      this.state.searchAttributeValueLimit = plan.searchAttributeValueLimit;
    // The read went out with the workflow task that carried the results before it.
    this.budget = freshTask(this.limits);
    return plan;
  }

  private async handlePage(plan: SweepPlan): Promise<void> {
    this.state.userQueue = enqueue(this.state.userQueue, plan.changedUsers);
    const approvedFor = await this.handleRequests(plan.pending, plan.now);
    const waiting = patched(PAGE_USERS_PATCH) ? await this.pageUsers(approvedFor) : approvedFor;
    const queues = pageHandled(this.state, waiting, !plan.nextKey);
    this.state.userQueue = queues.userQueue;
    this.state.touchedUsers = queues.touchedUsers;
  }

  /**
   * Evaluates the users this page approved something for, before the next page: a burst's locks
   * follow its approvals page by page instead of waiting for the last page. They leave the user
   * queue (they were judged on what they hold now) unless a later page approves for them again.
   * The users left for lack of room in this task: they wait for the end of the sweep, as before.
   */
  private async pageUsers(approvedFor: Array<string | undefined>): Promise<string[]> {
    const approved = enqueue(
      [],
      approvedFor.filter((user): user is string => user !== undefined),
    );
    let waiting = approved;
    let rest: string[] | undefined;
    while ((rest = await this.userWave(waiting))) waiting = rest;
    const left = new Set(waiting);
    const evaluated = new Set(approved.filter((user) => !left.has(user)));
    this.state.userQueue = this.state.userQueue.filter((user) => !evaluated.has(user));
    return waiting;
  }

  /**
   * Each request's chain (judge, then act) is independent of the others: they run together. Under
   * budgets, one user's requests are judged in turn, each seeing the approval of the one before
   * (Teleport holds it by then), so two cannot both fit in the last hour of a budget: in rounds of
   * at most one request per user, each round judged together and then acted on together, so the
   * order of its local activities never depends on how their results arrive (see userWave).
   * Results come back in page order either way.
   */
  private async handleRequests(
    pending: AccessRequestJson[],
    now: string,
  ): Promise<(string | undefined)[]> {
    if (!this.ledger) return Promise.all(pending.map((r) => this.handleRequest(r, now)));
    await this.ledger.load(pending.map((r) => r.user));
    const results: (string | undefined)[] = pending.map(() => undefined);
    for (const round of userRounds(pending.map((r) => r.user))) {
      const requests = round.map((i) => pending[i]!);
      const judged = await Promise.allSettled(requests.map((r) => this.judge(r, now)));
      const approvedFor = await Promise.all(
        judged.map((result, k) => {
          const request = requests[k]!;
          if (result.status === 'fulfilled') return this.act(request, result.value);
          this.judgeFailed(request, result.reason);
          return Promise.resolve(undefined);
        }),
      );
      round.forEach((i, k) => (results[i] = approvedFor[k]));
    }
    return results;
  }

  /** Judges one pending request and acts on it; the user's name when it was approved. */
  private async handleRequest(
    request: AccessRequestJson,
    now: string,
  ): Promise<string | undefined> {
    let evaluation: RequestEvaluation;
    try {
      evaluation = await this.judge(request, now);
    } catch (err) {
      this.judgeFailed(request, err);
      return undefined;
    }
    return this.act(request, evaluation);
  }

  /** Schedules the request's evaluation (its local activity is counted at once). */
  private judge(request: AccessRequestJson, now: string): Promise<RequestEvaluation> {
    const judge = this.local(JUDGE_OPTIONS, evaluateRequestSummary(request));
    return judge.evaluateRequest({
      request,
      policy: this.input.policy,
      now,
      ...(this.ledger ? { ledger: this.ledger.refFor(request.user) } : {}),
      ...(this.shadow ? { shadow: this.shadow } : {}),
    });
  }

  private judgeFailed(request: AccessRequestJson, err: unknown): void {
    this.state.errors.push(`evaluate ${request.id}: ${failureMessage(err)}`);
  }

  /** Acts on a judged request; the user's name when it was approved. */
  private async act(
    request: AccessRequestJson,
    evaluation: RequestEvaluation,
  ): Promise<string | undefined> {
    const decision = this.noteEvaluation(request.id, evaluation);
    this.state.counts.evaluatedRequests += 1;
    const outcome = await this.apply(decision, request);
    return decision.action === 'approve' && outcome.status === 'applied' && !leftPending(outcome)
      ? decision.user
      : undefined;
  }

  /**
   * The live decision of a request's evaluation; a shadow disagreement is counted (never acted
   * on), and a request left to humans is remembered so its human decision can be read later.
   */
  private noteEvaluation(requestId: string, evaluation: RequestEvaluation): Decision {
    // The policy version and inputs beside the decision stay in the history, not in actions.
    const { shadow, leftToHumans } = evaluation;
    const decision = decisionOf(evaluation);
    if (shadow) this.noteShadow(1);
    if (this.awaiting.has(requestId)) {
      this.state.seenAwaiting = [...(this.state.seenAwaiting ?? []), requestId];
    } else if (leftToHumans) {
      const left = this.state.leftToHumans ?? [];
      const room = LEFT_TO_HUMANS_LIMIT - this.awaiting.size - left.length;
      if (room > 0 && !left.some((a) => a.requestId === requestId))
        this.state.leftToHumans = [...left, leftToHumans];
    }
    return decision;
  }

  private noteShadow(n: number): void {
    this.shadowInRun += n;
    this.state.shadowDisagreements = (this.state.shadowDisagreements ?? 0) + n;
  }

  /**
   * Requests left to humans that this sweep looked at and did not find pending: a human may have
   * decided them. A full sweep looks at all of them, a targeted one at those it was told of.
   */
  async readHumanDecisions(): Promise<void> {
    const seen = new Set(this.state.seenAwaiting ?? []);
    const scope = this.input.targets ? new Set(this.input.targets) : undefined;
    const awaiting = [...this.awaiting.values()].filter(
      (a) => !seen.has(a.requestId) && (!scope || scope.has(a.requestId)),
    );
    if (awaiting.length === 0 || !patched(HUMAN_DECISIONS_PATCH)) return;
    try {
      const found = await read(readHumanDecisionsSummary(awaiting.length)).readHumanDecisions({
        awaiting,
      });
      this.state.humanDecisions = [...(this.state.humanDecisions ?? []), ...found.decided];
      this.state.awaitingGone = [
        ...(this.state.awaitingGone ?? []),
        ...found.gone,
        ...found.decided.map((d) => d.requestId),
      ];
      for (const d of found.decided)
        this.humanIndex.push({ user: d.user, requestId: d.requestId, action: `human-${d.human}` });
    } catch (err) {
      // Nothing is lost: the requests stay awaited and the next sweep reads them again.
      this.state.errors.push(`read human decisions: ${failureMessage(err)}`);
    }
  }

  /** Queues the users whose holdings changed; a targeted sweep was told them by its plan. */
  async planUsers(): Promise<void> {
    if (this.input.targets) return;
    const plan = await read(readHoldingsSummary(this.input.fullEvaluation)).planUsers({
      fingerprints: this.state.fingerprints,
      fullEvaluation: this.input.fullEvaluation,
      ...(this.ledger ? { ledger: true } : {}),
    });
    this.state.userQueue = enqueue(this.state.userQueue, plan.changedUsers);
    // Evaluations later in this sweep set fresh fingerprints for whoever holds something again.
    for (const user of plan.goneUsers) delete this.state.fingerprints[user];
  }

  /**
   * Evaluates queued users and locks what each evaluation says, until the queue is empty or this
   * run's workflow task holds `resultsPerTask` results; the rest wait for the next run.
   */
  async usersBatch(): Promise<void> {
    // Under budgets, the ledgers of as many users as this run can still evaluate, read at once.
    await this.ledger?.load(this.state.userQueue.slice(0, roomLeft(this.budget)));
    if (!patched(USER_WAVES_PATCH)) return this.userLanes();
    let rest: string[] | undefined;
    while ((rest = await this.userWave(this.state.userQueue))) this.state.userQueue = rest;
  }

  /**
   * Up to USER_LANES users at once, then their locks, in queue order. Which users a run takes,
   * and the order its local activities are scheduled in, depend only on the results, never on how
   * they arrive: a replay gets a task's results all at once, the first run as they complete, and
   * a run that took users as each result came (userLanes) could replay differently once a
   * result's inputs counted against the task. The queue without the users taken; undefined once
   * none could be taken (the queue is empty or the task full).
   */
  private async userWave(queue: string[]): Promise<string[] | undefined> {
    const room = Math.min(USER_LANES, roomLeft(this.budget));
    await this.ledger?.load(queue.slice(0, room));
    const wave: Array<{ user: string; evaluation: Promise<UserEvaluation> }> = [];
    let rest = queue;
    let next: ReturnType<typeof takeUser>;
    while (wave.length < USER_LANES && (next = takeUser(rest, this.budget))) {
      rest = next.userQueue;
      wave.push({ user: next.user, evaluation: this.startEvaluation(next.user) });
    }
    if (wave.length === 0) return undefined;
    const settled = await Promise.allSettled(wave.map((w) => w.evaluation));
    const locks = settled.flatMap((result, i) => {
      const user = wave[i]?.user ?? '';
      if (result.status === 'rejected') {
        this.evaluationFailed(user, result.reason);
        return [];
      }
      // The holdings recorded beside the decisions weigh on this task's message too.
      const { inputs } = result.value;
      if (inputs) this.budget = spendInputs(this.budget, JSON.stringify(inputs).length);
      return this.noteUserEvaluation(user, result.value).map((d) => this.apply(d));
    });
    await Promise.all(locks);
    return rest;
  }

  /**
   * Sweeps from before waves: USER_LANES lanes, each taking the next user as its last one is done.
   * Kept as those builds ran it, so their histories replay: recorded inputs (which they did not
   * return) count for nothing here, as a lane's next user depends on when results arrive.
   */
  private async userLanes(): Promise<void> {
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
      if (this.ledger && !this.ledger.has(user)) await this.ledger.load([user]);
      const result = await this.startEvaluation(user);
      const decisions = this.noteUserEvaluation(user, result);
      // Each lock targets its own request: they go out together.
      await Promise.all(decisions.map((decision) => this.apply(decision)));
    } catch (err) {
      this.evaluationFailed(user, err);
    }
  }

  /** Schedules the user's evaluation (its local activity is counted at once). */
  private startEvaluation(user: string): Promise<UserEvaluation> {
    const evaluate = this.local(EVALUATE_OPTIONS, evaluateUserSummary(user));
    return evaluate.evaluateUser({
      user,
      policy: this.input.policy,
      fingerprint: this.state.fingerprints[user],
      ...(this.ledger ? { ledger: this.ledger.refFor(user) } : {}),
      ...(this.shadow ? { shadow: this.shadow } : {}),
    });
  }

  /** Records what a user's evaluation found; the decisions to act on. */
  private noteUserEvaluation(user: string, result: UserEvaluation): Decision[] {
    if (result.shadow?.length) this.noteShadow(result.shadow.length);
    this.state.counts.evaluatedUsers += 1;
    this.state.fingerprints[user] = result.fingerprint;
    if (result.ledgerWrite) this.ledger?.observed(result.ledgerWrite);
    this.keepDeadline(user, result.nextDeadline);
    return result.decisions;
  }

  private evaluationFailed(user: string, err: unknown): void {
    this.state.errors.push(`evaluate ${user}: ${failureMessage(err)}`);
    // Forget the fingerprint so the next sweep evaluates this user again.
    delete this.state.fingerprints[user];
  }

  /**
   * Writes the use this run's evaluations observed. A failed write loses nothing while Teleport
   * holds the requests: those users' fingerprints are forgotten, so the next sweep observes again.
   */
  async writeLedger(): Promise<void> {
    if (!this.ledger) return;
    const { failed, errors } = await this.ledger.write();
    this.state.errors.push(...errors);
    for (const user of failed) delete this.state.fingerprints[user];
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
    const entries: IndexEntry[] = this.acted.map(({ decision: d }) => ({
      user: d.user,
      requestId: d.requestId,
      action: d.action,
      dryRun: d.dryRun === true,
    }));
    // Human decisions are found like the watcher's own: `JitActions = 'human-deny'`.
    entries.push(...this.humanIndex.map((h) => ({ ...h, dryRun: false })));
    // Set only in runs with a shadow, which could only start once the attribute was registered.
    if (this.shadowInRun > 0)
      upsertSearchAttributes([{ key: JIT_SHADOW_DISAGREEMENTS, value: this.shadowInRun }]);
    await publishDecisionIndex(entries, this.state.runs, this.state.searchAttributeValueLimit);
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
