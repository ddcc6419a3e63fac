// The watcher's state and the rules for changing it, kept apart from the workflow function so
// they read as plain code. Everything here is plain JSON-able data: carryOver() is what
// continue-as-new hands to the next run. Workflow code: no I/O, times passed in.
import type { AwaitingHuman } from '../../policy/agreement';
import type { Deadline } from '../../policy/deadlines';
import { hasBudgets } from '../../policy/ledger';
import type { Policy } from '../../policy/types';
import { policyVersion } from '../../policy/version';
import type {
  DecisionRecord,
  Fingerprints,
  ShadowPolicy,
  SweepInput,
  SweepLimits,
  SweepResult,
} from '../sweepTypes';
import { enqueue } from './sweepPlanner';
import { keepEarliest, takeDue } from './deadlineList';
import type { RequestsChanged, WatcherStatus, WorkerReport } from './messages';

/** Decisions the `recentDecisions` query keeps: bounded so the state stays small. */
const RECENT_LIMIT = 100;
/** Requests a targeted sweep takes; a larger burst becomes a full sweep instead. */
const MAX_TARGETS = 500;
/** Workers `status` remembers; the oldest report is dropped beyond this. */
const MAX_WORKERS = 20;
/** Why a full evaluation follows the last kept deadline when more were cut (MAX_DEADLINES). */
const CUT_CAUSE = 'deadlines beyond the kept ones';
/** The least a deadline's timer waits; see nextWait. */
const MIN_DEADLINE_WAIT_MS = 250;
/**
 * Escalations remembered so a waiting request is recorded once. Teleport drops a pending request
 * about an hour after it is made, so this holds an hour of escalations on a busy cluster; one
 * beyond it is recorded again at its next sweep, which is harmless. (~60 bytes each.)
 */
const ESCALATED_LIMIT = 500;
/**
 * Requests left to humans the watcher waits to see decided. Teleport drops a pending request
 * about an hour after it is made (a full sweep then forgets it), so this holds an hour of them on
 * a busy cluster. The oldest are kept: one left to humans while this is full is taken once room
 * frees, if it is still pending. (~250 bytes each, in every sweep's input.)
 */
const AWAITING_HUMANS_LIMIT = 200;
/** A refusal shown as the last error is cut here. */
const MAX_ERROR_LENGTH = 500;

export interface WatcherInput {
  cluster: string;
  policy: Policy;
  pollIntervalMs: number;
  /** Every user is re-evaluated at least this often, even when nothing seems to have changed. */
  fullEvaluationIntervalMs: number;
  paused?: boolean;
  /** Continue as new after this many history events (default 2,000); tests lower it. */
  continueAsNewAfterEvents?: number;
  /** How sweeps split their work into runs (default: the sweep's own); tests lower them. */
  sweepLimits?: SweepLimits;
  carried?: CarriedState;
}

/** What one run hands the next besides its input. */
export interface CarriedState {
  fingerprints: Fingerprints;
  lastFullEvaluationAt?: string;
  fullEvaluationDue: boolean;
  sweepRequested: boolean;
  /** Why the waiting full sweep was asked for (the first cause wins); absent in older runs' state. */
  sweepCause?: string;
  /** Requests reported changed by the event stream, waiting for a targeted sweep. */
  targets: string[];
  workers: Record<string, WorkerReport>;
  sweeps: number;
  totals: WatcherStatus['totals'];
  recent: DecisionRecord[];
  lastSweep?: WatcherStatus['lastSweep'];
  lastError?: string;
  /** Signals refused for bad input; absent in state carried by runs from before it existed. */
  refused?: number;
  policyChangedAt?: string;
  /**
   * The version (src/policy/version.ts) of the policy enforced now; absent in state of older runs
   * (then computed from the policy). Who set it is in the history: `policy --history`.
   */
  policyVersion?: string;
  // The deadline timer's state; absent in state carried by runs from before deadlines.
  /**
   * Escalations already recorded (decision ids, newest last, bounded): a request left to humans
   * is recorded once, not at every sweep while it waits. Absent in state of older runs.
   */
  escalated?: string[];
  /** The earliest deadlines (Teleport's time), one per user, earliest first, bounded. */
  deadlines?: Deadline[];
  /** Users had deadlines beyond the kept ones: a full evaluation finds them once these are used. */
  deadlinesCut?: boolean;
  /** Teleport's time minus the workflow's, as the latest sweep measured it (sweepTypes.ts). */
  teleportOffsetMs?: number;
  /** Users whose deadline passed, waiting for the sweep that evaluates them. */
  dueUsers?: string[];
  /** What the first of those deadlines was for: the sweep's summary says it. */
  dueCause?: string;
  /**
   * When the usage ledger began (the first sweep under a policy with budgets): use before it is
   * unknown. Absent until then.
   */
  ledgerSince?: string;
  /** Shadow mode's candidate and its disagreements since it was set; absent when none is set. */
  shadow?: ShadowPolicy & { disagreements: number };
  /** Requests left to humans, oldest first, bounded; absent in state of older runs. */
  awaitingHumans?: AwaitingHuman[];
  /** Human decisions of requests left to them, and how many the engine agreed with. */
  humans?: { decided: number; agreed: number };
}

/** How the workflow runs this state: set once per run, from its patches. */
export interface WatcherMode {
  /**
   * Keep the deadlines sweeps report and evaluate their users when they pass; a policy change
   * sweeps at once (its deadlines may have moved). Off in runs from before deadlines.
   */
  deadlineTimer?: boolean;
}

/** How long the watcher waits before it sweeps again unasked, and why. */
export interface NextWait {
  ms: number;
  /** Set when a deadline comes before the poll interval: the wait ends at it. */
  deadline?: Deadline;
}

export class WatcherState {
  readonly cluster: string;
  readonly pollIntervalMs: number;
  readonly continueAsNewAfterEvents: number | undefined;
  readonly sweepLimits: SweepLimits | undefined;
  private readonly fullEvaluationIntervalMs: number;
  policy: Policy;
  paused: boolean;
  nextSweepAt?: string;
  /** The sweep under way; never carried over, as none runs when the watcher continues as new. */
  private current: { id: string; startedAt: string } | undefined;
  /** Why the sweep begun last was asked for, for its summary; undefined for the first sweep. */
  private currentCause: string | undefined;
  private carried: CarriedState;
  /** The sweep under way is a full evaluation (every holder), so its deadlines are all there are. */
  private currentFull = false;
  /** The shadow's version the sweep under way was given: its disagreements count for that one only. */
  private currentShadow: string | undefined;
  readonly deadlineTimer: boolean;

  constructor(input: WatcherInput, mode: WatcherMode = {}) {
    this.deadlineTimer = mode.deadlineTimer ?? false;
    this.cluster = input.cluster;
    this.pollIntervalMs = input.pollIntervalMs;
    this.fullEvaluationIntervalMs = input.fullEvaluationIntervalMs;
    this.continueAsNewAfterEvents = input.continueAsNewAfterEvents;
    this.sweepLimits = input.sweepLimits;
    this.policy = input.policy;
    this.paused = input.paused ?? false;
    this.carried = input.carried ?? {
      fingerprints: {},
      fullEvaluationDue: true,
      sweepRequested: false,
      targets: [],
      workers: {},
      sweeps: 0,
      totals: { approved: 0, denied: 0, locked: 0, failed: 0 },
      recent: [],
    };
  }

  /** A full sweep or a targeted one is waiting. */
  get workWaiting(): boolean {
    return (
      this.carried.sweepRequested ||
      this.carried.targets.length > 0 ||
      (this.carried.dueUsers?.length ?? 0) > 0
    );
  }

  get recent(): DecisionRecord[] {
    return this.carried.recent;
  }

  pause(): void {
    this.paused = true;
    this.nextSweepAt = undefined;
  }

  resume(): void {
    this.paused = false;
  }

  requestSweep(cause: string): void {
    if (!this.carried.sweepRequested || this.carried.sweepCause === undefined)
      this.carried.sweepCause = cause;
    this.carried.sweepRequested = true;
  }

  /** Why the sweep begun last was asked for; undefined when nothing asked (the first sweep). */
  get sweepCause(): string | undefined {
    return this.currentCause;
  }

  /** Changes seen on the event stream: a targeted sweep, or a full one to reconcile. */
  requestsChanged(change: RequestsChanged): void {
    if (change.reconcile) {
      this.requestSweep(change.cause);
      return;
    }
    const targets = [...new Set([...this.carried.targets, ...change.requestIds])];
    if (targets.length > MAX_TARGETS) {
      this.carried.targets = [];
      this.requestSweep(`${change.cause} (burst of ${targets.length} changes)`);
    } else {
      this.carried.targets = targets;
    }
  }

  reportWorker(report: WorkerReport): void {
    const workers = { ...this.carried.workers, [report.worker]: report };
    const names = Object.keys(workers).sort((a, b) =>
      (workers[a]?.at ?? '') < (workers[b]?.at ?? '') ? -1 : 1,
    );
    for (const name of names.slice(0, Math.max(0, names.length - MAX_WORKERS)))
      delete workers[name];
    this.carried.workers = workers;
  }

  /** Input a signal handler could not use: counted and shown as the last error; nothing changes. */
  refuse(handler: string, problem: string): string {
    const full = `${handler} refused: ${problem}`;
    // One line, bounded: a policy of 5,000 unknown keys must not grow the state.
    const message =
      full.length > MAX_ERROR_LENGTH ? `${full.slice(0, MAX_ERROR_LENGTH - 3)}...` : full;
    this.carried.refused = (this.carried.refused ?? 0) + 1;
    this.carried.lastError = message;
    return message;
  }

  /** Takes effect at the next sweep (one under way keeps its policy); checked by the caller. */
  setPolicy(policy: Policy, now: Date): void {
    this.policy = policy;
    this.carried.fullEvaluationDue = true;
    this.carried.policyChangedAt = now.toISOString();
    this.carried.policyVersion = policyVersion(policy);
    // Deadlines follow the policy (a window, a maximum duration): evaluate everyone under the
    // new one now, not at the next poll, so a deadline it moved or removed is known at once.
    if (this.deadlineTimer) this.requestSweep('policy changed');
  }

  /**
   * Shadow mode from the next sweep on: every evaluation also judges by `policy` (checked by the
   * caller) and records where it disagrees, acting on nothing. Every user is evaluated at the
   * next sweep, so the shadow sees all holdings at once.
   */
  setShadow(policy: Policy, now: Date): void {
    this.carried.shadow = {
      policy,
      version: policyVersion(policy),
      setAt: now.toISOString(),
      disagreements: 0,
    };
    this.carried.fullEvaluationDue = true;
  }

  clearShadow(): void {
    delete this.carried.shadow;
  }

  get shadowPolicy(): Policy | null {
    return this.carried.shadow?.policy ?? null;
  }

  /**
   * Until the next sweep unasked: the poll interval, or less when a deadline comes first.
   * Deadlines are in Teleport's time; `teleportOffsetMs` (Teleport's time minus the workflow's,
   * measured by the latest sweep) turns one into workflow time, where the timer runs. A jump of
   * Teleport's clock shows in the next sweep's measure and moves the timer with it.
   */
  nextWait(now: Date): NextWait {
    const [first] = this.deadlineTimer ? (this.carried.deadlines ?? []) : [];
    if (!first) return { ms: this.pollIntervalMs };
    const untilDeadline = Date.parse(first.at) - this.teleportTime(now);
    if (untilDeadline >= this.pollIntervalMs) return { ms: this.pollIntervalMs };
    // Whole milliseconds, rounded up: the timer must not end before the deadline. One that passed
    // (during a sweep) waits a moment all the same: were a worker's clock a little behind the one
    // that measured the offset, its evaluation would find the deadline still ahead, and the
    // watcher would otherwise sweep again and again without a pause until the clocks agreed.
    return { ms: Math.max(MIN_DEADLINE_WAIT_MS, Math.ceil(untilDeadline)), deadline: first };
  }

  /** Teleport's time at workflow time `now`, as the latest sweep measured the two clocks. */
  private teleportTime(now: Date): number {
    return now.getTime() + (this.carried.teleportOffsetMs ?? 0);
  }

  /**
   * The deadline timer fired: the next sweep evaluates the users whose deadlines passed, and
   * them only unless a full sweep is asked for too.
   */
  deadlineReached(now: Date): void {
    if (this.takeDueDeadlines(now)) this.requestSweep(CUT_CAUSE);
  }

  /**
   * Moves the deadlines that passed by `now` to the users the next sweep evaluates. True when
   * the last kept one is used and some were cut: a full evaluation (now due) finds them again.
   */
  private takeDueDeadlines(now: Date): boolean {
    const c = this.carried;
    if (!this.deadlineTimer || !c.deadlines || c.deadlines.length === 0) return false;
    const { due, rest } = takeDue(c.deadlines, this.teleportTime(now));
    if (due.length === 0) return false;
    c.deadlines = rest;
    c.dueUsers = enqueue(
      c.dueUsers ?? [],
      due.map((d) => d.user),
    );
    c.dueCause ??= `deadline: ${due[0]?.what ?? ''}`;
    if (rest.length > 0 || !c.deadlinesCut) return false;
    delete c.deadlinesCut;
    c.fullEvaluationDue = true;
    return true;
  }

  beginSweep(id: string, now: Date): SweepInput {
    this.current = { id, startedAt: now.toISOString() };
    // Targeted when events or the deadline timer asked for it; any other sweep (a resume, the
    // first of a run) stays what it was, and only gains the users whose deadlines passed meanwhile.
    const targeted =
      !this.carried.sweepRequested &&
      (this.carried.targets.length > 0 || (this.carried.dueUsers?.length ?? 0) > 0);
    const targets = this.carried.targets;
    const sweepCause = this.carried.sweepCause;
    this.carried.sweepRequested = false;
    delete this.carried.sweepCause;
    this.carried.targets = [];
    // A full evaluation this takes asks for is this sweep's if it is not targeted, else the next.
    if (this.takeDueDeadlines(now) && targeted) this.requestSweep(CUT_CAUSE);
    const users = this.carried.dueUsers ?? [];
    this.currentCause = sweepCause ?? this.carried.dueCause;
    delete this.carried.dueUsers;
    delete this.carried.dueCause;
    this.nextSweepAt = undefined;
    this.currentFull = false;
    if (hasBudgets(this.policy)) this.carried.ledgerSince ??= now.toISOString();
    const shadow = this.carried.shadow;
    this.currentShadow = shadow?.version;
    const awaiting = this.carried.awaitingHumans ?? [];
    const common = {
      cluster: this.cluster,
      policy: this.policy,
      fingerprints: this.carried.fingerprints,
      ...(this.sweepLimits ? { limits: this.sweepLimits } : {}),
      ...(users.length > 0 ? { users } : {}),
      ...(this.carried.escalated?.length ? { escalated: this.carried.escalated } : {}),
      ...(this.carried.ledgerSince ? { ledgerSince: this.carried.ledgerSince } : {}),
      ...(shadow
        ? { shadow: { policy: shadow.policy, version: shadow.version, setAt: shadow.setAt } }
        : {}),
      ...(awaiting.length > 0 ? { awaitingHumans: awaiting } : {}),
    };
    if (targeted) return { ...common, fullEvaluation: false, targets };
    const last = this.carried.lastFullEvaluationAt;
    const fullEvaluation =
      this.carried.fullEvaluationDue ||
      !last ||
      now.getTime() - Date.parse(last) >= this.fullEvaluationIntervalMs;
    if (fullEvaluation) {
      this.carried.fullEvaluationDue = false;
      this.carried.lastFullEvaluationAt = now.toISOString();
    }
    this.currentFull = fullEvaluation;
    return { ...common, fullEvaluation };
  }

  finishSweep(id: string, startedAt: Date, finishedAt: Date, result: SweepResult): void {
    this.current = undefined;
    const c = this.carried;
    c.sweeps += 1;
    c.fingerprints = result.fingerprints;
    c.totals.approved += result.counts.approved;
    c.totals.denied += result.counts.denied;
    c.totals.locked += result.counts.locked;
    c.totals.failed += result.counts.failed;
    if (result.counts.escalated)
      c.totals.escalated = (c.totals.escalated ?? 0) + result.counts.escalated;
    this.keepDeadlines(result);
    if (result.escalated?.length)
      c.escalated = [...(c.escalated ?? []), ...result.escalated].slice(-ESCALATED_LIMIT);
    c.recent = [...c.recent, ...result.recent].slice(-RECENT_LIMIT);
    this.keepShadowAndHumans(result);
    c.lastError = result.errors.length > 0 ? result.errors[result.errors.length - 1] : c.lastError;
    c.lastSweep = {
      id,
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      ok: result.errors.length === 0,
      counts: { ...result.counts, runs: result.runs },
    };
  }

  /**
   * A full evaluation saw every holder: its deadlines replace the kept ones. Any other sweep saw
   * some users: theirs replace those users' kept ones. A kept deadline of a user evaluated since
   * and left with none stays until it passes, when evaluating that user again does no harm.
   */
  private keepDeadlines(result: SweepResult): void {
    const c = this.carried;
    if (result.clock)
      c.teleportOffsetMs =
        Date.parse(result.clock.teleportNow) - Date.parse(result.clock.workflowAt);
    if (!this.deadlineTimer) return;
    const kept = keepEarliest(this.currentFull ? [] : (c.deadlines ?? []), result.deadlines ?? []);
    c.deadlines = kept.deadlines;
    const cut = kept.cut || result.deadlinesCut === true || (!this.currentFull && c.deadlinesCut);
    if (cut) c.deadlinesCut = true;
    else delete c.deadlinesCut;
  }

  /** The shadow's disagreements, and the requests left to humans: new ones, decided or gone ones. */
  private keepShadowAndHumans(result: SweepResult): void {
    const c = this.carried;
    if (result.shadowDisagreements && c.shadow && c.shadow.version === this.currentShadow)
      c.shadow.disagreements += result.shadowDisagreements;
    const decided = result.humanDecisions ?? [];
    if (decided.length > 0) {
      const humans = c.humans ?? { decided: 0, agreed: 0 };
      c.humans = {
        decided: humans.decided + decided.length,
        agreed: humans.agreed + decided.filter((d) => d.agrees).length,
      };
    }
    if (!result.leftToHumans?.length && !result.awaitingGone?.length) return;
    const gone = new Set(result.awaitingGone ?? []);
    const kept = (c.awaitingHumans ?? []).filter((a) => !gone.has(a.requestId));
    const known = new Set(kept.map((a) => a.requestId));
    const added = (result.leftToHumans ?? []).filter((a) => !known.has(a.requestId));
    c.awaitingHumans = [...kept, ...added].slice(0, AWAITING_HUMANS_LIMIT);
    c.humans ??= { decided: 0, agreed: 0 };
  }

  failSweep(id: string, startedAt: Date, finishedAt: Date, error: string): void {
    this.current = undefined;
    this.carried.sweeps += 1;
    this.carried.lastError = error;
    // A failed sweep may have missed changes: look at everyone next time.
    this.carried.fullEvaluationDue = true;
    this.carried.lastSweep = {
      id,
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      ok: false,
      counts: {},
    };
  }

  status(): WatcherStatus {
    const c = this.carried;
    const status: WatcherStatus = {
      cluster: this.cluster,
      paused: this.paused,
      pollIntervalMs: this.pollIntervalMs,
      sweeps: c.sweeps,
      totals: { ...c.totals },
      holders: Object.keys(c.fingerprints).length,
      workers: { ...c.workers },
      sweepQueued: this.workWaiting,
    };
    if (this.current) status.currentSweep = { ...this.current };
    if (c.lastSweep) status.lastSweep = c.lastSweep;
    if (this.nextSweepAt && !this.paused) status.nextSweepAt = this.nextSweepAt;
    if (c.lastError) status.lastError = c.lastError;
    if (c.refused) status.refused = c.refused;
    if (c.policyChangedAt) status.policyChangedAt = c.policyChangedAt;
    if (c.ledgerSince) status.ledgerSince = c.ledgerSince;
    if (c.teleportOffsetMs !== undefined) status.teleportOffsetMs = c.teleportOffsetMs;
    if (c.shadow) {
      const { version, setAt, disagreements } = c.shadow;
      status.shadow = { version, setAt, disagreements };
    }
    if (c.humans) status.humans = { ...c.humans, awaiting: c.awaitingHumans?.length ?? 0 };
    status.policyVersion = c.policyVersion ?? policyVersion(this.policy);
    const [next] = c.deadlines ?? [];
    if (next) status.nextDeadline = { ...next, kept: c.deadlines?.length ?? 0 };
    return status;
  }

  carryOver(): WatcherInput {
    return {
      cluster: this.cluster,
      policy: this.policy,
      pollIntervalMs: this.pollIntervalMs,
      fullEvaluationIntervalMs: this.fullEvaluationIntervalMs,
      paused: this.paused,
      continueAsNewAfterEvents: this.continueAsNewAfterEvents,
      ...(this.sweepLimits ? { sweepLimits: this.sweepLimits } : {}),
      carried: this.carried,
    };
  }
}
