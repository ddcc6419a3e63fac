// The watcher's operator interface: signals, updates and queries by name, so `temporal workflow
// signal --name pause`, `temporal workflow update execute --name pause`, legacy `tctl workflow
// signal --name pause` and the project's CLI all reach the same state. Every input is checked
// (messageChecks.ts) before use. Pure: imported by workflow code and by the client.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Deadline } from '../../policy/deadlines';
import type { Policy } from '../../policy/types';
import type { DecisionRecord } from '../sweepTypes';

export const pauseSignal = defineSignal('pause');
export const resumeSignal = defineSignal('resume');
export const sweepNowSignal = defineSignal('sweepNow');
export const setPolicySignal = defineSignal<[Policy]>('setPolicy');
/** Shadow mode: judge every evaluation by this candidate too, acting on nothing; checked like setPolicy. */
export const setShadowSignal = defineSignal<[Policy]>('setShadow');
export const clearShadowSignal = defineSignal('clearShadow');
/**
 * The same operator commands as updates: the caller waits for the watcher's answer, the status
 * after the change, or the reason it was refused (a validator refuses before anything is recorded).
 */
export const pauseUpdate = defineUpdate<WatcherStatus>('pause');
export const resumeUpdate = defineUpdate<WatcherStatus>('resume');
export const sweepNowUpdate = defineUpdate<WatcherStatus>('sweepNow');
export const setPolicyUpdate = defineUpdate<WatcherStatus, [Policy]>('setPolicy');
export const setShadowUpdate = defineUpdate<WatcherStatus, [Policy]>('setShadow');
export const clearShadowUpdate = defineUpdate<WatcherStatus>('clearShadow');
/** Sent by the event stream: these requests or users changed; sweep them at once. */
export const requestsChangedSignal = defineSignal<[RequestsChanged]>('requestsChanged');

export interface RequestsChanged {
  /** Requests to evaluate at once: new pending ones, ones approved elsewhere, unlocked ones. */
  requestIds: string[];
  /** True after the stream (re)connected: anything may have changed, sweep everything. */
  reconcile?: boolean;
  /** Free text for the history: what the worker saw, e.g. "event stream reconnected". */
  cause: string;
}

/** What a worker reports about itself; shown by `status`. */
export interface WorkerReport {
  worker: string;
  /** RFC 3339 expiry of the Teleport identity the worker uses. */
  identityExpiresAt?: string;
  /** Set when the identity is close to expiry or a renewed file could not be used. */
  identityProblem?: string;
  /** Set while this worker's clock disagrees with Teleport's (src/app/clockSkew.ts). */
  clockProblem?: string;
  eventStream?: 'connected' | 'reconnecting' | 'disabled' | 'off';
  /** How often the worker reports even when nothing changed; `status` calls it stale after 3. */
  reportIntervalMs?: number;
  at: string;
}

export const reportWorkerSignal = defineSignal<[WorkerReport]>('reportWorker');

export interface WatcherStatus {
  cluster: string;
  paused: boolean;
  pollIntervalMs: number;
  sweeps: number;
  lastSweep?: {
    id: string;
    startedAt: string;
    finishedAt: string;
    ok: boolean;
    counts: Record<string, number>;
  };
  /** The sweep under way, if one is. */
  currentSweep?: { id: string; startedAt: string };
  /** Another sweep was asked for (signal, event, poll) and starts when the current one ends. */
  sweepQueued: boolean;
  /** RFC 3339; absent while paused. */
  nextSweepAt?: string;
  /** `escalated` (left to humans) is absent until the first escalation. */
  totals: { approved: number; denied: number; locked: number; failed: number; escalated?: number };
  lastError?: string;
  /** Signals refused for bad input since the watcher started (each also sets lastError). */
  refused?: number;
  policyChangedAt?: string;
  /** The enforced policy's version (src/policy/version.ts); absent from watchers before it. */
  policyVersion?: string;
  /**
   * Shadow mode's candidate: its version (policyVersion), since when, and the evaluations where
   * it disagreed with the live policy since then. Absent when no shadow is set.
   */
  shadow?: { version: string; setAt: string; disagreements: number };
  /**
   * Requests left to humans: how many a human decided and how many of those the engine would
   * have decided alike, and how many are still awaited. Absent until the first is left to humans.
   */
  humans?: { decided: number; agreed: number; awaiting: number };
  /**
   * The earliest deadline the watcher's timer waits for (`at` in Teleport's time) and what it
   * will do then; `kept`: how many deadlines it keeps in all. Absent when there is none.
   */
  nextDeadline?: Deadline & { kept: number };
  holders: number;
  /** When the usage ledger began (the first sweep with budgets); absent before. */
  ledgerSince?: string;
  /**
   * Teleport's clock minus the workflow's, as the latest sweep measured it: `usage` judges at
   * Teleport's time, as evaluations do. Absent before the first sweep that measured it.
   */
  teleportOffsetMs?: number;
  /** Latest report of each worker, by worker identity. */
  workers: Record<string, WorkerReport>;
}

export const statusQuery = defineQuery<WatcherStatus>('status');
export const recentDecisionsQuery = defineQuery<DecisionRecord[]>('recentDecisions');
export const policyQuery = defineQuery<Policy>('policy');
/** The shadow policy, or null when none is set. */
export const shadowQuery = defineQuery<Policy | null>('shadow');
