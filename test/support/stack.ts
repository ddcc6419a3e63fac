// The whole stack for end-to-end tests: a simulated Teleport cluster, the real Teleport client, the
// shared Temporal dev server, the cluster's watcher workflow, and workers started by the service's
// own starter (src/app/service.ts) from a bot identity file, as `jit-watcher worker` starts them.
// Sweeps are driven by the sweepNow signal (the poll interval is long, events are off), and every
// wait is on a condition with a timeout.
import { appendFileSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before } from 'node:test';
import type { Client } from '@temporalio/client';
import { startService, type RunningService } from '../../src/app/service';
import { defaultPolicy } from '../../src/policy/policy';
import type { Policy } from '../../src/policy/types';
import { startSimCluster, type SimCluster, type SimClusterOptions } from '../../testkit/sim';
import type { GrpcTeleportClient } from '../../src/teleport/client';
import { ensureWatcher, type WatcherControl } from '../../src/temporal/control';
import type { SweepLimits } from '../../src/temporal/sweepTypes';
import { createLogger, silentLogger, type Logger } from '../../src/util/logger';
import { waitFor } from '../../src/util/waitFor';
import { writeBotIdentity } from './identityFile';
import { serviceConfig } from './service';
import { clientFor } from './teleport';
import { testTemporal, uniqueName, type TestTemporal } from './temporal';

export interface Stack {
  sim: SimCluster;
  teleport: GrpcTeleportClient;
  temporal: TestTemporal;
  client: Client;
  taskQueue: string;
  control: WatcherControl;
  /** Starts a worker on the stack's task queue; its stop() drains it. */
  newWorker(options?: WorkerTuning): Promise<RunningService>;
  /** Signals sweepNow; waits until a sweep that started after it has finished and none is due. */
  sweep(): Promise<void>;
  close(): Promise<void>;
}

export interface WorkerTuning {
  maxConcurrentActivities?: number;
}

export interface StackOptions {
  policy?: Partial<Policy>;
  sim?: SimClusterOptions;
  continueAsNewAfterEvents?: number;
  sweepLimits?: SweepLimits;
  /** Default 10 min, so only sweepNow sweeps; deadline tests set production's 30 s. */
  pollIntervalMs?: number;
  /** Tell the workers the server's search attribute value cap (devServerConfig.ts sets it). */
  searchAttributeValueLimit?: number;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const temporal = await testTemporal();
  const sim = await startSimCluster({
    clusterName: `${uniqueName('cluster')}.example.com`,
    ...options.sim,
  });
  const teleport = await clientFor(sim);
  const taskQueue = uniqueName('jit-watcher');
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'jit-stack-'));
  const { identityPath } = await writeBotIdentity(sim, dir);
  const newWorker = (tuning: WorkerTuning = {}) => {
    const config = serviceConfig({ sim, identityPath, temporal, taskQueue });
    config.watchEvents = false;
    if (tuning.maxConcurrentActivities !== undefined) {
      config.worker.maxConcurrentActivities = tuning.maxConcurrentActivities;
    }
    return startService({
      config,
      log: workerLog(),
      ensureWatcher: false,
      ...(options.searchAttributeValueLimit
        ? { searchAttributeValueLimit: options.searchAttributeValueLimit }
        : {}),
    });
  };
  const control = await ensureWatcher(temporal.client, taskQueue, {
    cluster: sim.clusterName,
    policy: { ...defaultPolicy(), ...options.policy },
    pollIntervalMs: options.pollIntervalMs ?? 10 * 60_000,
    fullEvaluationIntervalMs: 60 * 60_000,
    continueAsNewAfterEvents: options.continueAsNewAfterEvents,
    ...(options.sweepLimits ? { sweepLimits: options.sweepLimits } : {}),
  });
  return {
    sim,
    teleport,
    temporal,
    client: temporal.client,
    taskQueue,
    control,
    newWorker,
    async sweep() {
      // A sweep already running when we signal may have read the cluster before our change.
      const signalledAt = new Date().toISOString();
      await control.sweepNow();
      // Then wait for the watcher to be idle: a sweep queued meanwhile (by an earlier signal)
      // would otherwise run on into the next test with whatever policy it started with.
      await waitFor(
        async () => {
          const s = await control.status();
          const ours = (s.lastSweep?.startedAt ?? '') >= signalledAt;
          return ours && !s.currentSweep && !s.sweepQueued;
        },
        {
          timeoutMs: 60_000,
          intervalMs: 100,
          what: 'a sweep to finish',
        },
      );
    },
    async close() {
      await control.handle.terminate('test over').catch(() => undefined);
      teleport.close();
      await sim.stop();
      await temporal.close();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Workers' warnings and errors (the SDK's core included: the first worker of a test process
 * installs the runtime with this logger) go to a file of this process under JIT_TEST_LOG_DIR, which
 * `npm test` sets and prints when a run fails; otherwise nowhere.
 */
function workerLog(): Logger {
  const dir = process.env.JIT_TEST_LOG_DIR;
  if (!dir) return silentLogger;
  const file = path.join(dir, `${path.basename(process.argv[1] ?? 'test')}.${process.pid}.log`);
  return createLogger({ level: 'warn', sink: (line) => appendFileSync(file, line + '\n') });
}

/**
 * For a suite: starts a stack with one worker running before the tests and stops both after.
 * Read `.stack` inside tests (it is set once `before` has run).
 */
export function runningStack(options: StackOptions = {}): { stack: Stack } {
  const holder = {} as { stack: Stack };
  let worker: RunningService | undefined;
  before(async () => {
    holder.stack = await startStack(options);
    worker = await holder.stack.newWorker();
  });
  after(async () => {
    await worker?.stop();
    await holder.stack?.close();
  });
  return holder;
}
