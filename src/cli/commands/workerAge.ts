// How `status` shows each worker: its identity and event stream as it last reported them, how long
// ago that was, and STALE when it missed three reports in a row (killed, hung, or cut off from
// Temporal). Ages are worked out here, on the caller's clock: a query cannot read the time.
import type { WorkerReport } from '../../temporal/workflows/messages';

/** Reports a worker may miss before `status` calls it stale. */
const STALE_AFTER_REPORTS = 3;

export interface WorkerAge {
  ageMs: number;
  /** Undefined when the worker does not say how often it reports (it reports changes only). */
  stale?: boolean;
}

export function workerAge(report: WorkerReport, now: Date): WorkerAge {
  const ageMs = Math.max(0, now.getTime() - Date.parse(report.at));
  if (!report.reportIntervalMs) return { ageMs };
  return { ageMs, stale: ageMs > STALE_AFTER_REPORTS * report.reportIntervalMs };
}

export function formatWorker(w: WorkerReport, now: Date): string {
  const { ageMs, stale } = workerAge(w, now);
  const identity = w.identityExpiresAt
    ? `identity until ${w.identityExpiresAt}`
    : 'identity unknown';
  const problem = [w.identityProblem, w.clockProblem].map((p) => (p ? `; ${p}` : '')).join('');
  const age = `last report ${formatAge(ageMs)} ago${stale ? ' STALE: no report for 3 intervals, is it running?' : ''}`;
  return `${w.worker}: ${age}; ${identity}, event stream ${w.eventStream ?? 'off'}${problem}`;
}

/** 42s, 5m03s, 2h10m, 3d4h: short and exact enough for an operator. */
export function formatAge(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d${h % 24}h`;
}
