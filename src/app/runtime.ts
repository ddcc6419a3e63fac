// Installs the Temporal runtime once per process, before any connection exists: routes the SDK's
// logs, those of its Rust core included (otherwise printed as coloured text), into our JSON
// logger, so the process writes one JSON stream; and, when metrics are on, starts its Prometheus exporter on a private
// loopback port that our /metrics endpoint merges in.
import { Runtime, type LogLevel as SdkLogLevel, type LogMetadata } from '@temporalio/worker';
import { freePort } from '../util/freePort';
import type { Logger } from '../util/logger';

export interface InstalledRuntime {
  /** Where the runtime's own metrics can be scraped; undefined when metrics are off. */
  metricsUrl?: string;
}

export async function installRuntime(log: Logger, withMetrics: boolean): Promise<InstalledRuntime> {
  const port = withMetrics ? await freePort() : undefined;
  const sdkLog = log.child({ component: 'temporal-sdk' });
  try {
    install(sdkLog, port);
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

function route(log: Logger, level: SdkLogLevel, message: string, meta?: LogMetadata): void {
  if (level === 'TRACE') return;
  if (level === 'DEBUG') log.debug(message, meta);
  else if (level === 'INFO') log.info(message, meta);
  else if (level === 'WARN') log.warn(message, meta);
  else log.error(message, meta);
}
