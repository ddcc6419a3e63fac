// The demo owns Ctrl-C. By default the Temporal runtime also catches SIGINT and starts draining the
// worker on its own; runService's later shutdown call then throws "Not running" and the process
// dies with a stack trace. Installed before runService, this runtime leaves signals to the demo
// (runService keeps an installed runtime).
import { DefaultLogger, Runtime, type LogEntry } from '@temporalio/worker';
import type { Logger } from '../../src/util/logger';

export function installDemoRuntime(log: Logger): void {
  const sdkLog = log.child({ component: 'temporal-sdk' });
  const route = (entry: LogEntry): void => {
    if (entry.level === 'ERROR') sdkLog.error(entry.message, entry.meta);
    else sdkLog.warn(entry.message, entry.meta);
  };
  try {
    Runtime.install({
      shutdownSignals: [],
      logger: new DefaultLogger('WARN', route),
      // Core's own lines (e.g. a shutdown RPC cut short by Ctrl-C) go to the same logger, not the
      // terminal, so the demo's output stays its own.
      telemetryOptions: { logging: { filter: { core: 'WARN', other: 'WARN' }, forward: {} } },
    });
  } catch {
    // Already installed in this process (an earlier demo run, a test harness): keep that one.
  }
}
