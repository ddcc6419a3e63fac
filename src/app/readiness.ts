// What /readyz and /healthz answer, decided from facts the service gathers (pure; times passed in).
// Ready means "this process can enforce": Temporal reachable, Teleport answered recently, the
// watcher running with recent sweeps, the identity valid, the clock agreeing with Teleport's.
// Healthy (liveness) only means the process's own loops are turning: restarting it would not help
// an outage elsewhere, so a Teleport or Temporal outage never fails liveness.

const TELEPORT_FRESHNESS_MIN_MS = 60_000;

export interface ReadinessFacts {
  /** Local clock, for intervals this process measured itself. */
  localNowMs: number;
  /** Teleport's time as estimated (src/app/teleportClock.ts), for server-stamped times. */
  teleportNowMs: number;
  pollIntervalMs: number;
  /** When this process started watching; a fresh watcher gets three poll intervals to sweep. */
  startedAtMs: number;
  temporalError?: string;
  teleportOkAtMs?: number;
  teleportError?: string;
  watcher: WatcherFacts;
  identityNotAfterMs: number;
  clockProblem?: string;
}

export interface WatcherFacts {
  state: 'running' | 'stuck' | 'gone' | 'unknown';
  detail?: string;
  lastSweepFinishedAtMs?: number;
  currentSweepStartedAtMs?: number;
}

export interface CheckResult {
  ok: boolean;
  /** One short sentence per failing check. */
  failing: string[];
}

export function readiness(f: ReadinessFacts): CheckResult {
  const failing: string[] = [];
  if (f.temporalError) failing.push(`Temporal unreachable: ${f.temporalError}`);

  const teleportLimitMs = Math.max(TELEPORT_FRESHNESS_MIN_MS, 2 * f.pollIntervalMs);
  const teleportAgeMs = f.localNowMs - (f.teleportOkAtMs ?? f.startedAtMs);
  if (teleportAgeMs > teleportLimitMs) {
    const why = f.teleportError ? ` (${f.teleportError})` : '';
    failing.push(`Teleport has not answered for ${seconds(teleportAgeMs)}${why}`);
  }

  if (f.watcher.state !== 'running') {
    failing.push(`watcher ${f.watcher.state}${f.watcher.detail ? `: ${f.watcher.detail}` : ''}`);
  } else {
    const sweepLimitMs = 3 * f.pollIntervalMs;
    const progressMs = Math.max(
      f.watcher.lastSweepFinishedAtMs ?? -Infinity,
      f.watcher.currentSweepStartedAtMs ?? -Infinity,
    );
    // Sweep times are stamped by the workflow (server time); a fresh start counts as progress.
    const ageMs = Number.isFinite(progressMs)
      ? f.teleportNowMs - progressMs
      : f.localNowMs - f.startedAtMs;
    if (ageMs > sweepLimitMs) failing.push(`no sweep finished for ${seconds(ageMs)}`);
  }

  if (f.teleportNowMs >= f.identityNotAfterMs) {
    failing.push(`identity expired at ${new Date(f.identityNotAfterMs).toISOString()}`);
  }
  if (f.clockProblem) failing.push(f.clockProblem);
  return { ok: failing.length === 0, failing };
}

export interface LivenessFacts {
  localNowMs: number;
  /** Last time the service's monitor loop completed a round. */
  monitorBeatMs: number;
  monitorIntervalMs: number;
  workerState: string;
}

/** Alive while the monitor loop turns and the worker has not stopped or failed. */
export function liveness(f: LivenessFacts): CheckResult {
  const failing: string[] = [];
  const limitMs = 3 * f.monitorIntervalMs + 30_000; // a round may wait on slow calls
  if (f.localNowMs - f.monitorBeatMs > limitMs) {
    failing.push(`monitor loop stalled for ${seconds(f.localNowMs - f.monitorBeatMs)}`);
  }
  if (f.workerState === 'FAILED' || f.workerState === 'STOPPED') {
    failing.push(`worker ${f.workerState.toLowerCase()}`);
  }
  return { ok: failing.length === 0, failing };
}

function seconds(ms: number): string {
  return `${Math.round(ms / 1000)} s`;
}
