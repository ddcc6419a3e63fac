// The watcher's operator interface: signals and queries by name, so `temporal workflow signal
// --name pause`, legacy `tctl workflow signal --name pause` and the project's CLI all reach the
// same handlers. Pure: imported by workflow code and by the client.
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { Policy } from '../../policy/types';
import type { DecisionRecord } from '../sweepTypes';

export const pauseSignal = defineSignal('pause');
export const resumeSignal = defineSignal('resume');
export const sweepNowSignal = defineSignal('sweepNow');
export const setPolicySignal = defineSignal<[Policy]>('setPolicy');
/** Sent by the event stream: these requests or users changed; sweep them at once. */
export const requestsChangedSignal = defineSignal<[RequestsChanged]>('requestsChanged');

export interface RequestsChanged {
  requestIds: string[];
  users: string[];
  /** Free text for the history: what the worker saw, e.g. "event stream reconnected". */
  cause: string;
}

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
  /** RFC 3339; absent while paused. */
  nextSweepAt?: string;
  totals: { approved: number; denied: number; locked: number; failed: number };
  lastError?: string;
  policyChangedAt?: string;
  holders: number;
}

export const statusQuery = defineQuery<WatcherStatus>('status');
export const recentDecisionsQuery = defineQuery<DecisionRecord[]>('recentDecisions');
export const policyQuery = defineQuery<Policy>('policy');
