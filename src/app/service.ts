// The long-running process behind `jit-watcher run` and `jit-watcher worker`: connects Teleport
// (identity file) and Temporal (configured, or an embedded dev server), runs the worker, serves
// metrics and health, and shuts down gracefully: SIGTERM or Ctrl-C lets activities in flight
// finish; a second Ctrl-C exits at once.
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Config } from '../config/types';
import { createAppMetrics } from '../metrics/appMetrics';
import { startMetricsServer, type MetricsServer } from '../metrics/server';
import { GrpcTeleportClient } from '../teleport/client';
import { readIdentityFile } from '../teleport/identityFile';
import { effectiveTemporalAddress, temporalConnectionSettings } from '../temporal/connection';
import { ensureWatcher } from '../temporal/control';
import { startDevServer, type DevServer } from '../temporal/devServer';
import { watcherWorkflowId } from '../temporal/names';
import { createWorker } from '../temporal/worker';
import type { Logger } from '../util/logger';
import { installRuntime } from './runtime';

export interface ServiceOptions {
  config: Config;
  log: Logger;
  /** `run` also makes sure the cluster's watcher workflow is running with this config. */
  ensureWatcher: boolean;
  /** Resolves when the service should stop; defaults to SIGTERM / SIGINT. */
  stopSignal?: Promise<void>;
}

export async function runService(options: ServiceOptions): Promise<void> {
  const { config, log } = options;
  const cleanups: Array<() => Promise<void> | void> = [];
  try {
    const identity = await readIdentityFile(config.teleport.identityFile);
    log.info('identity loaded', {
      user: identity.user,
      cluster: identity.clusterName,
      expires: identity.notAfter.toISOString(),
    });
    const metrics = createAppMetrics();
    const teleport = await GrpcTeleportClient.connect({
      address: config.teleport.address,
      identity,
      callTimeoutMs: config.teleport.callTimeoutMs,
    });
    cleanups.push(() => teleport.close());
    const { clusterName, serverVersion } = await teleport.ping();
    log.info('connected to Teleport', {
      address: config.teleport.address,
      cluster: clusterName,
      serverVersion,
    });

    const runtime = await installRuntime(log, config.metrics.listen !== '');
    let address = effectiveTemporalAddress(config.temporal);
    if (!config.temporal.address) {
      const dev: DevServer = await startDevServer({
        port: config.temporal.devServer.port,
        uiPort: config.temporal.devServer.uiPort,
        dbFile: config.temporal.devServer.dbFile,
        log: (line) => log.info(line),
      });
      cleanups.push(() => dev.stop());
      address = dev.address;
    }
    const settings = await temporalConnectionSettings(config.temporal, address);
    const native = await NativeConnection.connect(settings);
    cleanups.push(() => native.close());
    const worker = await createWorker({
      connection: native,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      deps: { teleport: () => teleport, log, metrics },
    });

    let metricsServer: MetricsServer | undefined;
    if (config.metrics.listen) {
      metricsServer = await startMetricsServer({
        listen: config.metrics.listen,
        metrics,
        runtimeMetricsUrl: runtime.metricsUrl,
        health: {
          ready: () =>
            worker.getState() === 'RUNNING'
              ? { ok: true }
              : { ok: false, reason: worker.getState() },
        },
      });
      cleanups.push(() => metricsServer?.close());
      log.info('metrics listening', { address: metricsServer.address });
    }

    if (options.ensureWatcher) {
      const connection = await Connection.connect(settings);
      cleanups.push(() => connection.close());
      const client = new Client({ connection, namespace: config.temporal.namespace });
      const control = await ensureWatcher(client, config.temporal.taskQueue, {
        cluster: clusterName,
        policy: config.policy,
        pollIntervalMs: config.pollIntervalMs,
        fullEvaluationIntervalMs: config.fullEvaluationIntervalMs,
      });
      await syncPolicy(control, config, log);
      log.info('watcher running', { workflowId: watcherWorkflowId(clusterName) });
    }

    const stop = options.stopSignal ?? processStopSignal(log);
    void stop.then(() => worker.shutdown());
    await worker.run();
    log.info('worker stopped');
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup();
  }
}

/** The config file is the source of truth at start: a running watcher adopts its policy. */
async function syncPolicy(
  control: Awaited<ReturnType<typeof ensureWatcher>>,
  config: Config,
  log: Logger,
): Promise<void> {
  const running = await control.policy();
  if (JSON.stringify(running) !== JSON.stringify(config.policy)) {
    await control.setPolicy(config.policy);
    log.info('policy updated on the running watcher from this configuration');
  }
}

function processStopSignal(log: Logger): Promise<void> {
  return new Promise((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (stopping) {
        log.warn('second signal: exiting now', { signal });
        process.exit(130);
      }
      stopping = true;
      log.info('stopping: letting activities in flight finish (Ctrl-C again to force)', { signal });
      resolve();
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}
