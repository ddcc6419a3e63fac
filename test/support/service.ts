// Runs the real service (`jit-watcher run` in-process) against a simulated cluster and the shared
// Temporal dev server, with its log lines captured, so tests see exactly what an operator would.
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { runService } from '../../src/app/service';
import { defaultConfig, type Config } from '../../src/config/types';
import { startSimCluster, type SimCluster } from '../../testkit/sim';
import { watcherControl, type WatcherControl } from '../../src/temporal/control';
import { createLogger } from '../../src/util/logger';
import { StopWaiting, waitFor } from '../../src/util/waitFor';
import { writeBotIdentity } from './identityFile';
import { testTemporal, uniqueName, type TestTemporal } from './temporal';

export interface ServiceUnderTest {
  sim: SimCluster;
  temporal: TestTemporal;
  control: WatcherControl;
  identityPath: string;
  logs: Array<Record<string, unknown>>;
  /** Writes a new identity file the way tbot does: a new file renamed over the old one. */
  writeIdentity(text: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startService(
  options: { identityTtlMs?: number; configure?: (c: Config) => void } = {},
): Promise<ServiceUnderTest> {
  const temporal = await testTemporal();
  const sim = await startSimCluster({ clusterName: `${uniqueName('svc')}.example.com` });
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'jit-svc-'));
  const { identityPath, writeIdentity } = await writeBotIdentity(sim, dir, options.identityTtlMs);

  const config = defaultConfig();
  config.teleport.address = sim.proxyAddress;
  config.teleport.identityFile = identityPath;
  config.temporal.address = temporal.address;
  config.temporal.taskQueue = uniqueName('svc');
  config.metrics.listen = '';
  config.pollIntervalMs = 10 * 60_000; // decisions must come from events, not the poll
  options.configure?.(config);

  const logs: Array<Record<string, unknown>> = [];
  const log = createLogger({
    level: 'debug',
    sink: (line) => logs.push(JSON.parse(line) as Record<string, unknown>),
  });
  let stop!: () => void;
  const stopSignal = new Promise<void>((resolve) => (stop = resolve));
  const running = runService({ config, log, ensureWatcher: true, stopSignal });
  const control = watcherControl(temporal.client, sim.clusterName);
  let failure: Error | undefined;
  running.catch((err: unknown) => (failure = err instanceof Error ? err : new Error(String(err))));
  await waitFor(
    () => {
      if (failure)
        throw new StopWaiting(
          `the service failed: ${failure instanceof Error ? failure.message : 'unknown error'}`,
        );
      return logs.some((l) => l.msg === 'watcher running');
    },
    { timeoutMs: 60_000, what: `the service to start (log: ${JSON.stringify(logs.slice(-3))})` },
  );
  return {
    sim,
    temporal,
    control,
    identityPath,
    logs,
    writeIdentity,
    async stop() {
      stop();
      await running;
      await control.handle.terminate('test over').catch(() => undefined);
      await sim.stop();
      await temporal.close();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
