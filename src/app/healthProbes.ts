// Wires /readyz and /healthz to the live state of the service: what the watcher monitor saw last,
// Teleport's time from the clock estimate, the identity in use and the worker's state. The rules
// themselves live in readiness.ts (pure); this only gathers the facts at the moment of a probe.
import type { AppMetrics } from '../metrics/appMetrics';
import type { HealthSource } from '../metrics/server';
import { liveness, readiness } from './readiness';
import type { TeleportClock } from './teleportClock';
import type { WatcherMonitor } from './watcherMonitor';

export interface HealthProbeSources {
  monitor: WatcherMonitor;
  monitorIntervalMs: number;
  clock: TeleportClock;
  identityNotAfter: () => Date;
  workerState: () => string;
  pollIntervalMs: number;
  startedAtMs: number;
  metrics: AppMetrics;
}

export function healthProbes(s: HealthProbeSources): HealthSource {
  return {
    ready: () => {
      const m = s.monitor.current;
      const result = readiness({
        localNowMs: Date.now(),
        teleportNowMs: s.clock.now().getTime(),
        pollIntervalMs: s.pollIntervalMs,
        startedAtMs: s.startedAtMs,
        temporalError: m.temporalError,
        teleportOkAtMs: m.teleportOkAtMs,
        teleportError: m.teleportError,
        watcher: m.watcher,
        identityNotAfterMs: s.identityNotAfter().getTime(),
        clockProblem: s.clock.problem,
      });
      s.metrics.ready.set(result.ok ? 1 : 0);
      return result;
    },
    live: () =>
      liveness({
        localNowMs: Date.now(),
        monitorBeatMs: s.monitor.current.beatMs,
        monitorIntervalMs: s.monitorIntervalMs,
        workerState: s.workerState(),
      }),
  };
}
