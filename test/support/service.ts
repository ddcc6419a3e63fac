// Runs the real service (`jit-watcher run` in-process) against a simulated cluster and the shared
// Temporal dev server, with its log lines captured, so tests see exactly what an operator would.
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { startService as startRealService } from '../../src/app/service';
import { defaultConfig, type Config } from '../../src/config/types';
import { startSimCluster, type SimCluster } from '../../testkit/sim';
import { watcherControl, type WatcherControl } from '../../src/temporal/control';
import { createLogger } from '../../src/util/logger';
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

  const config = serviceConfig({
    sim,
    identityPath,
    temporal,
    taskQueue: uniqueName('svc'),
  });
  config.pollIntervalMs = 10 * 60_000; // decisions must come from events, not the poll
  options.configure?.(config);

  const logs: Array<Record<string, unknown>> = [];
  const log = createLogger({
    level: 'debug',
    sink: (line) => logs.push(JSON.parse(line) as Record<string, unknown>),
  });
  const service = await startRealService({ config, log, ensureWatcher: true });
  const control = watcherControl(temporal.client, service.clusterName);
  return {
    sim,
    temporal,
    control,
    identityPath,
    logs,
    writeIdentity,
    async stop() {
      await service.stop();
      await control.handle.terminate('test over').catch(() => undefined);
      await sim.stop();
      await temporal.close();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

/** The configuration an operator would write for this cluster and Temporal, with metrics off. */
export function serviceConfig(target: {
  sim: SimCluster;
  identityPath: string;
  temporal: TestTemporal;
  taskQueue: string;
}): Config {
  const config = defaultConfig();
  // Through the TLS-routing proxy, as with Teleport Cloud.
  config.teleport.address = target.sim.proxyAddress;
  config.teleport.identityFile = target.identityPath;
  config.temporal.address = target.temporal.address;
  if (target.temporal.tls) config.temporal.tls = target.temporal.tls;
  config.temporal.taskQueue = target.taskQueue;
  config.metrics.listen = '';
  return config;
}
