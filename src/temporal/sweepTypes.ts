// The data that flows between the watcher workflow, the sweep workflow and the activities. Plain
// JSON only (no Date, Map, Set or classes): it is what Temporal records in the history, and what
// an auditor reads there. Pure: imported by workflow code.
import type { Deadline } from '../policy/deadlines';
import type { AwaitingHuman, HumanDecision } from '../policy/agreement';
import type { ShadowDisagreement } from '../policy/shadow';
import type { PendingInputs, UserInputs } from '../policy/inputs';
import type { Decision, Policy } from '../policy/types';
import type { UserUsage } from '../policy/usage';
import type { AccessRequestJson } from './requestJson';

/** user -> fingerprint of the holdings that user had when last evaluated. */
export type Fingerprints = Record<string, string>;

export interface PlanInput {
  /** Teleport's key for the next page of pending requests (earlier pages were handled). */
  afterKey?: string;
  /** A targeted sweep: read only these requests instead of the whole cluster. */
  targets?: string[];
  pageSize: number;
  /** The most a page's requests may take as JSON; a page of large requests holds fewer. */
  pageBytes: number;
}

export interface SweepPlan {
  /** RFC 3339: the `now` the evaluations of this run use. */
  now: string;
  /** The next page of pending requests, oldest first. */
  pending: AccessRequestJson[];
  /** Teleport's key for the next page, when more pending requests follow. */
  nextKey?: string;
  /** Users a targeted sweep must re-evaluate: holders of the approved requests it was named. */
  changedUsers: string[];
  /**
   * The Temporal server's cap on one search attribute value, when the worker knows it is above
   * Temporal's default (its embedded dev server's): the run indexes its decisions in chunks that
   * size, so fewer decisionIndex children. Absent: the default; always, in older plans.
   */
  searchAttributeValueLimit?: number;
}

export interface UsersPlanInput {
  fingerprints: Fingerprints;
  /** Every holder, whatever their fingerprint: after a policy change, and now and then. */
  fullEvaluation: boolean;
  /**
   * The policy has budgets: a full evaluation also takes users whose approved requests have all
   * ended, while Teleport still holds them, so the ledger records their use (seeding it).
   */
  ledger?: boolean;
}

export interface UsersPlan {
  /** Users whose holdings differ from their fingerprint (all holders on a full evaluation). */
  changedUsers: string[];
  /** Users with a fingerprint who hold nothing in force any more. */
  goneUsers: string[];
}

/** A candidate policy evaluated beside the live one on the same inputs, acting on nothing. */
export interface ShadowPolicy {
  policy: Policy;
  /** policyVersion() of the candidate. */
  version: string;
  /** RFC 3339: when `shadow set` took effect. */
  setAt: string;
}

export interface EvaluateRequestInput {
  request: AccessRequestJson;
  policy: Policy;
  now: string;
  /** Set when the policy has budgets: the user's ledger as the sweep read it. */
  ledger?: LedgerRef;
  /** Shadow mode: also judge the request by this policy; absent in inputs from before it. */
  shadow?: ShadowPolicy;
}

/**
 * A user's ledger as the sweep read it from the ledger's workflows (src/temporal/usageLedger.ts)
 * and hands to their evaluation, which observes into it what Teleport holds now. Evaluations never
 * read or write the ledger themselves: the sweep reads it in regular activities before them and
 * writes what they observed after them (workflows/sweepLedger.ts).
 */
export interface LedgerRef {
  /** RFC 3339: when the ledger began; use before it is unknown, and reasons say so. */
  since: string;
  /** The user's recorded use; absent when none is recorded. */
  recorded?: UserUsage;
}

export interface EvaluateUserInput {
  user: string;
  policy: Policy;
  /** The user's fingerprint from their last evaluation: tells which watcher locks were deleted. */
  fingerprint?: string;
  /** Set when the policy has budgets: the user's ledger as the sweep read it. */
  ledger?: LedgerRef;
  /** Shadow mode: also evaluate the user by this policy; absent in inputs from before it. */
  shadow?: ShadowPolicy;
}

/** Reading users' recorded use (activities/ledger.ts), a chunk of a sweep's users at a time. */
export interface ReadLedgerInput {
  cluster: string;
  users: string[];
}

/** Writing what a sweep run's evaluations observed: one update per shard the users live in. */
export interface WriteLedgerInput {
  cluster: string;
  usage: UserUsage[];
  /** How long the ledger keeps an ended span (the longest budget window and cooldown). */
  retainMs: number;
}

/**
 * What `evaluateRequest` returns: the decision, and beside it the policy version and the inputs it
 * was judged on, so the history holds what it takes to reproduce it (src/policy/inputs.ts), and
 * what was learned beside it (shadow mode, a request left to humans). Every field beside the
 * decision is absent in results of workers from before it. The sweep acts on the decision alone.
 */
export interface RequestEvaluation extends Decision, JudgementRecord<PendingInputs> {
  /** The shadow policy decided otherwise (action or rule); nothing acts on it. */
  shadow?: ShadowDisagreement;
  /** The decision leaves the request to humans: what the engine would have decided instead. */
  leftToHumans?: AwaitingHuman;
}

/** The name the decision log reads results by. */
export type JudgedRequest = RequestEvaluation;

/** The policy version (src/policy/version.ts) and inputs an evaluation result carries. */
export interface JudgementRecord<I> {
  policyVersion?: string;
  inputs?: I;
}

/** The decision without the record beside it: what actions, counts and recent lists carry. */
export function decisionOf(judged: RequestEvaluation): Decision {
  const {
    policyVersion: _version,
    inputs: _inputs,
    shadow: _shadow,
    leftToHumans: _left,
    ...decision
  } = judged;
  return decision;
}

export interface UserEvaluation extends JudgementRecord<UserInputs> {
  decisions: Decision[];
  /** Fingerprint of the user's holdings once these decisions are applied. */
  fingerprint: string;
  /**
   * The user's earliest deadline after this evaluation (Teleport's time), when they have one;
   * absent in results of workers from before deadlines.
   */
  nextDeadline?: Deadline;
  /** Shadow mode: requests the shadow policy would lock or keep otherwise; nothing acts on them. */
  shadow?: ShadowDisagreement[];
  /**
   * Under budgets, the user's ledger as these decisions leave it, when it differs from what was
   * recorded: the sweep writes it once the run's evaluations are done.
   */
  ledgerWrite?: UserUsage;
}

/** Requests left to humans that this sweep found no longer pending: read to see who decided. */
export interface HumanDecisionsInput {
  awaiting: AwaitingHuman[];
}

export interface HumanDecisionsResult {
  /** Approved or denied by a human: the record `jit-watcher agreement` reads. */
  decided: HumanDecision[];
  /** Gone, or resolved some other way (by the watcher, promoted): forget them. */
  gone: string[];
}

export interface ActionInput {
  decision: Decision;
  reviewMode: Policy['reviewMode'];
}

/** 'escalated': left to humans (action 'escalate'), recorded with its reason, nothing written. */
export type OutcomeStatus = 'applied' | 'skipped' | 'failed' | 'dry-run' | 'escalated' | 'none';

export interface ActionOutcome {
  status: OutcomeStatus;
  detail: string;
  /**
   * The request's state after an approve or deny: in review mode a review may leave it PENDING
   * (its roles need more approvals), which is not an approval.
   */
  requestState?: 'PENDING' | 'APPROVED' | 'DENIED';
  /**
   * The decision acted on, in outcomes the action activities return: a local activity's history
   * marker records its result but not its input, and the decision log pairs the two by this id.
   */
  decisionId?: string;
}

export interface DecisionRecord {
  /** RFC 3339 time of the sweep run that made the decision. */
  at: string;
  sweepId: string;
  decision: Decision;
  outcome: ActionOutcome;
}

export interface SweepCounts {
  evaluatedRequests: number;
  evaluatedUsers: number;
  approved: number;
  denied: number;
  locked: number;
  skipped: number;
  failed: number;
  /** Left to humans; absent in counts carried by sweep runs from before escalations. */
  escalated?: number;
}

/** How a sweep splits its work into runs; the defaults suit production, tests lower them. */
export interface SweepLimits {
  /** Pending requests read and handled at a time, at most. */
  pageSize: number;
  /** The most a page's requests may take as JSON (long reasons, many resources make fewer). */
  pageBytes: number;
  /** Pages one run handles before it continues as new. */
  pagesPerRun: number;
  /** Local activity results one workflow task may carry before the run continues as new. */
  resultsPerTask: number;
}

export interface SweepInput {
  cluster: string;
  policy: Policy;
  fingerprints: Fingerprints;
  fullEvaluation: boolean;
  /** Absent: the defaults in the sweep workflow. */
  limits?: SweepLimits;
  /** Event-driven: only these requests (and their users) are looked at. */
  targets?: string[];
  /** Users evaluated whatever their fingerprint: a deadline of theirs has passed. */
  users?: string[];
  /**
   * Escalations earlier sweeps recorded (decision ids): a request still pending and left to
   * humans for the same reason is not recorded again at every sweep. Absent in older inputs.
   */
  escalated?: string[];
  /** When the watcher's usage ledger began; set while the policy has budgets. */
  ledgerSince?: string;
  /** Shadow mode's candidate policy; absent when none is set and in older inputs. */
  shadow?: ShadowPolicy;
  /** Requests the watcher left to humans and waits to see decided (bounded); absent in older inputs. */
  awaitingHumans?: AwaitingHuman[];
  /** Set when a run continues as new: where the previous run stopped. */
  resume?: SweepResume;
}

/** Where a run stopped; what it learned for the watcher so far is carried with it. */
export interface SweepResume extends SweepFindings {
  phase: 'pending' | 'users';
  afterKey?: string;
  userQueue: string[];
  touchedUsers: string[];
  fingerprints: Fingerprints;
  counts: SweepCounts;
  recent: DecisionRecord[];
  errors: string[];
  runs: number;
  /** Pages of pending requests read so far, for the Web UI; absent in runs of older workers. */
  pagesRead?: number;
  /** Requests awaiting humans that this sweep saw still pending; absent in older runs. */
  seenAwaiting?: string[];
  /** The server's value cap a page read reported (SweepPlan); absent: Temporal's default. */
  searchAttributeValueLimit?: number;
}

/**
 * Teleport's time and the workflow's at one moment: a page read's Teleport `now` against the
 * middle of the workflow times around that read. The watcher turns Teleport-time deadlines into
 * workflow-time timers with it.
 */
export interface ClockReading {
  teleportNow: string;
  workflowAt: string;
}

export interface SweepResult extends SweepFindings {
  /** The fingerprints to keep for the next sweep (whole map). */
  fingerprints: Fingerprints;
  counts: SweepCounts;
  /** The most recent decisions that led to an action or a failure, bounded. */
  recent: DecisionRecord[];
  errors: string[];
  runs: number;
}

/**
 * What a sweep learns for the watcher besides its decisions. Every field is absent in runs of
 * workers from before it, so older carried state and results still load.
 */
export interface SweepFindings {
  /** The earliest deadlines of the users this sweep evaluated, one per user, bounded. */
  deadlines?: Deadline[];
  /** More users had deadlines than `deadlines` holds. */
  deadlinesCut?: boolean;
  clock?: ClockReading;
  /** Escalations this sweep recorded for the first time (decision ids). */
  escalated?: string[];
  /** Evaluations where the shadow policy disagreed with the live one. */
  shadowDisagreements?: number;
  /** Requests newly left to humans, with the engine's verdict on each. */
  leftToHumans?: AwaitingHuman[];
  /** Requests left to humans that a human has since approved or denied. */
  humanDecisions?: HumanDecision[];
  /** Requests left to humans that are gone or resolved otherwise: no longer awaited. */
  awaitingGone?: string[];
}

export function emptyCounts(): SweepCounts {
  return {
    evaluatedRequests: 0,
    evaluatedUsers: 0,
    approved: 0,
    denied: 0,
    locked: 0,
    skipped: 0,
    failed: 0,
    escalated: 0,
  };
}
