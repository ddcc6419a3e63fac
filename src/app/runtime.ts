// Installs the Temporal runtime once per process, before any connection exists: routes the SDK's
// logs, those of its Rust core included (otherwise printed as coloured text), into our JSON
// logger, so the process writes one JSON stream; and, when metrics are on, starts its Prometheus exporter on a private
// loopback port that our /metrics endpoint merges in.
import { Runtime, type LogLevel as SdkLogLevel, type LogMetadata } from '@temporalio/worker';
import { freePort } from '../util/freePort';
import type { Logger } from '../util/logger';

/**
 * The SDK's log forwarding holds each line 100 ms (to merge core's and its own in time order) and
 * wakes the event loop every 100 ms to flush them: 300 wake-ups per 30 s, 0.02-0.05 CPU-s of an
 * idle worker's 0.2-0.3 (bench/RESULTS.md, "Idle cost"). Core's lines are flushed as they arrive anyway;
 * the timer only serves the SDK's own (worker states, workflow logs), which can wait a second.
 */
const SDK_LOG_FLUSH_MS = 100;
const LOG_FLUSH_MS = 1_000;

export interface InstalledRuntime {
  /** Where the runtime's own metrics can be scraped; undefined when metrics are off. */
  metricsUrl?: string;
}

export async function installRuntime(log: Logger, withMetrics: boolean): Promise<InstalledRuntime> {
  const port = withMetrics ? await freePort() : undefined;
  const sdkLog = log.child({ component: 'temporal-sdk' });
  try {
    withSlowerLogFlush(() => install(sdkLog, port));
  } catch (err) {
    // Only one runtime per process: embedded uses (the demo, tests) may have one already.
    log.debug('Temporal runtime already installed; keeping it', { error: err });
    return {};
  }
  return port ? { metricsUrl: `http://127.0.0.1:${port}/metrics` } : {};
}

function install(sdkLog: Logger, port: number | undefined): void {
  Runtime.install({
    // Signals are the service's to handle: it drains the worker once, and a second Ctrl-C exits.
    shutdownSignals: [],
    logger: {
      log: (level: SdkLogLevel, message: string, meta?: LogMetadata) =>
        route(sdkLog, level, message, meta),
      trace: () => undefined,
      debug: (message, meta) => sdkLog.debug(message, meta),
      info: (message, meta) => sdkLog.info(message, meta),
      warn: (message, meta) => sdkLog.warn(message, meta),
      error: (message, meta) => sdkLog.error(message, meta),
    },
    telemetryOptions: {
      // Core's warnings and errors go through `logger` above instead of straight to stderr.
      logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} },
      ...(port ? { metrics: { prometheus: { bindAddress: `127.0.0.1:${port}` } } } : {}),
    },
  });
}

/**
 * Runs `install` and replaces the SDK's log flush timer (the interval of SDK_LOG_FLUSH_MS it sets
 * meanwhile; the SDK offers no setting) with one of LOG_FLUSH_MS, as unref'd as the SDK's. Should
 * a later SDK set no such timer, nothing is replaced. Returns how many timers it replaced.
 */
export function withSlowerLogFlush(install: () => void): number {
  const original = globalThis.setInterval;
  const caught: Array<{ timer: NodeJS.Timeout; flush: () => void }> = [];
  const watching = (
    handler: (...a: unknown[]) => void,
    ms?: number,
    ...args: unknown[]
  ): NodeJS.Timeout => {
    const timer = original(handler, ms, ...args);
    if (ms === SDK_LOG_FLUSH_MS) caught.push({ timer, flush: () => handler(...args) });
    return timer;
  };
  // Only for the duration of the synchronous install: the wrapper has setInterval's behaviour.
  globalThis.setInterval = watching as typeof setInterval;
  try {
    install();
  } finally {
    globalThis.setInterval = original;
  }
  for (const { timer, flush } of caught) {
    clearInterval(timer);
    setInterval(flush, LOG_FLUSH_MS).unref();
  }
  return caught.length;
}

function route(log: Logger, level: SdkLogLevel, message: string, meta?: LogMetadata): void {
  if (level === 'TRACE') return;
  if (level === 'DEBUG') log.debug(message, meta);
  else if (level === 'INFO') log.info(message, meta);
  else if (level === 'WARN') log.warn(message, meta);
  else log.error(message, meta);
}
