// The long-running process behind `jit-watcher run` and `jit-watcher worker`: connects Teleport
// (identity file) and Temporal (configured, or an embedded dev server), runs the worker, the event
// stream, the identity reloader and the watcher monitor (which keeps the watcher running and
// feeds /readyz), serves metrics and health, and shuts down gracefully: SIGTERM or Ctrl-C lets
// activities in flight finish; a second Ctrl-C exits at once. The demo and the tests start it
// through startService too, so what they exercise is what production assembles.
import * as os from 'node:os';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { Config } from '../config/types';
import { createAppMetrics, type AppMetrics } from '../metrics/appMetrics';
import { startMetricsServer } from '../metrics/server';
import { GrpcTeleportClient } from '../teleport/client';
import { readIdentityFile, type Identity } from '../teleport/identityFile';
import {
  CLIENT_CHANNEL_ARGS,
  effectiveTemporalAddress,
  temporalConnectionSettings,
  connectOrExplain,
  explainRefusal,
} from '../temporal/connection';
import { ensureWatcher, watcherControl, type WatcherControl } from '../temporal/control';
import { watcherWorkflowId } from '../temporal/names';
import { createWorker } from '../temporal/worker';
import type { Logger } from '../util/logger';
import { startEmbeddedTemporal } from './embeddedTemporal';
import { EventStream } from './eventStream';
import { healthProbes } from './healthProbes';
import { tuneHeapGrowth } from './heapGrowth';
import { IdentityReloader } from './identityReloader';
import { installRuntime } from './runtime';
import { observingClient, TeleportClock } from './teleportClock';
import { temporalUsageLedger } from '../temporal/usageLedger';
import { processStopSignal } from './stopSignal';
import { WatcherMonitor } from './watcherMonitor';
import { WorkerReporter } from './workerReporter';

/** How often the monitor checks Teleport, Temporal and the watcher (at most the poll interval). */
const MONITOR_INTERVAL_MS = 10_000;
/**
 * How often it also queries the watcher's sweeps (at most the poll interval): readiness judges
 * them against three poll intervals, and a query each round cost an idle worker ~0.02 CPU-s per
 * 30 s of its 0.2-0.3 (bench/RESULTS.md, "Idle cost").
 */
const STATUS_QUERY_INTERVAL_MS = 30_000;

export interface ServiceOptions {
  config: Config;
  log: Logger;
  /** `run` also makes sure the cluster's watcher workflow is running with this config. */
  ensureWatcher: boolean;
  /** Resolves when the service should stop; runService defaults it to SIGTERM / SIGINT. */
  stopSignal?: Promise<void>;
  /**
   * The configured Temporal server's cap on one search attribute value, when it is known to be
   * above Temporal's default (tests' servers); the embedded dev server's is the service's own.
   */
  searchAttributeValueLimit?: number;
}

type Cleanup = () => Promise<void> | void;

/** A started service: its worker polls until stop() is called, the stop signal comes, or it fails. */
export interface RunningService {
  clusterName: string;
  /** Settles once the worker has stopped and everything is closed; rejects if the service failed. */
  done: Promise<void>;
  /** Drains the worker (activities in flight finish), closes everything, and waits for that. */
  stop(): Promise<void>;
}

/** `jit-watcher run` and `jit-watcher worker`: runs until SIGTERM / SIGINT or a failure. */
export async function runService(options: ServiceOptions): Promise<void> {
  // Listening from the start: a SIGTERM while starting stops cleanly once the worker exists.
  const stopSignal = options.stopSignal ?? processStopSignal(options.log);
  const service = await startService({ ...options, stopSignal });
  await service.done;
}

/**
 * The one way the stack is assembled, for the CLI, the demo and the tests alike: returns once the
 * worker polls. Whatever it started it closes, in reverse order, when it stops or fails to start.
 */
export async function startService(options: ServiceOptions): Promise<RunningService> {
  const cleanups: Cleanup[] = [];
  let requestStop!: () => void;
  const stopRequested = new Promise<void>((resolve) => (requestStop = resolve));
  const stop = options.stopSignal
    ? Promise.race([options.stopSignal, stopRequested])
    : stopRequested;
  let started: Started;
  try {
    started = await start(options, cleanups);
  } catch (err) {
    await runCleanups(cleanups, options.log);
    throw err;
  }
  // runUntil drains the worker when `stop` resolves, however early that happens; a dev server
  // that cannot be kept running rejects `fatal`, and the service fails.
  const done = started.worker
    .runUntil(Promise.race([stop, started.fatal]))
    .then(() => options.log.info('worker stopped'))
    .finally(() => runCleanups(cleanups, options.log));
  return {
    clusterName: started.clusterName,
    done,
    async stop() {
      requestStop();
      await done;
    },
  };
}

/** Reverse order of start; a failing cleanup must not hide the error that got us here. */
async function runCleanups(cleanups: Cleanup[], log: Logger): Promise<void> {
  for (const cleanup of cleanups.splice(0).reverse()) {
    await Promise.resolve()
      .then(cleanup)
      .catch((err: unknown) => log.warn('cleanup failed', { error: err }));
  }
}

interface Started {
  clusterName: string;
  worker: Worker;
  /** Rejects if the embedded dev server cannot be kept running; never resolves. */
  fatal: Promise<never>;
}

async function start(options: ServiceOptions, cleanups: Cleanup[]): Promise<Started> {
  const { config, log } = options;
  tuneHeapGrowth();
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
  const startedAtMs = Date.now();
  let reportClockProblem = (_problem: string | undefined): void => undefined;
  const clock = new TeleportClock({
    log,
    metrics,
    onProblem: (problem) => reportClockProblem(problem),
  });
  await clock.prime(teleport, identity);

  const runtime = await installRuntime(log, config.metrics.listen !== '');
  let address = effectiveTemporalAddress(config.temporal);
  let fatal: Promise<never> = new Promise<never>(() => undefined);
  let searchAttributeValueLimit = options.searchAttributeValueLimit;
  if (!config.temporal.address) {
    const dev = await startEmbeddedTemporal(config, log);
    cleanups.push(() => dev.stop());
    address = dev.address;
    fatal = dev.failed;
    searchAttributeValueLimit = dev.searchAttributeValueLimit;
  }
  const settings = await temporalConnectionSettings(config.temporal, address);
  const native = await connectOrExplain(
    () => NativeConnection.connect(settings),
    settings,
    config.temporal,
  );
  cleanups.push(() => native.close());
  const connection = await connectOrExplain(
    () => Connection.connect({ ...settings, channelArgs: CLIENT_CHANNEL_ARGS }),
    settings,
    config.temporal,
  );
  cleanups.push(() => connection.close());
  const client = new Client({ connection, namespace: config.temporal.namespace });
  const control = watcherControl(client, clusterName);

  const startWatcher = async (): Promise<void> => {
    await ensureWatcher(client, config.temporal.taskQueue, {
      cluster: clusterName,
      policy: config.policy,
      pollIntervalMs: config.pollIntervalMs,
      fullEvaluationIntervalMs: config.fullEvaluationIntervalMs,
    });
    await syncPolicy(control, config, log);
  };
  if (options.ensureWatcher) {
    await startWatcher().catch((err: unknown) => {
      throw explainRefusal(err, settings);
    });
    log.info('watcher running', { workflowId: watcherWorkflowId(clusterName) });
  }

  const workerIdentity = `${process.pid}@${os.hostname()}`;
  const reporter = new WorkerReporter(control, workerIdentity, log);
  reporter.update({
    identityExpiresAt: identity.notAfter.toISOString(),
    eventStream: 'off',
    ...(clock.problem ? { clockProblem: clock.problem } : {}),
  });
  reportClockProblem = (problem) => reporter.update({ clockProblem: problem });
  const stream = startEventStream(config, teleport, control, reporter, log, metrics);
  if (stream) cleanups.push(() => stream.stop());
  const reloader = await startIdentityReloader(
    config,
    identity,
    (next) => {
      teleport.replaceIdentity(next);
      stream?.restart();
      reporter.update({ identityExpiresAt: next.notAfter.toISOString() });
    },
    reporter,
    log,
    metrics,
    () => clock.now(),
  );
  cleanups.push(() => reloader.stop());

  // The worker comes last: once created it holds the connection until it has run and stopped.
  const worker: Worker = await createWorker({
    connection: native,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    identity: workerIdentity,
    maxConcurrentActivities: config.worker.maxConcurrentActivities,
    // Listings feed the clock, and evaluations use Teleport's time (src/app/clockSkew.ts).
    deps: {
      teleport: () => observingClient(teleport, clock),
      log,
      metrics,
      now: () => clock.now(),
      ledger: temporalUsageLedger(client, config.temporal.taskQueue),
      ...(searchAttributeValueLimit ? { searchAttributeValueLimit } : {}),
    },
  }).catch((err: unknown) => {
    throw explainRefusal(err, settings); // the worker checks the namespace: a bad API key shows here
  });
  const monitorIntervalMs = Math.min(MONITOR_INTERVAL_MS, config.pollIntervalMs);
  const monitor = new WatcherMonitor({
    client,
    workflowId: watcherWorkflowId(clusterName),
    pingTeleport: () => teleport.ping(),
    // A recreated watcher knows no workers yet: tell it about this one again.
    recreate: options.ensureWatcher
      ? () => startWatcher().then(() => reporter.update({}))
      : undefined,
    intervalMs: monitorIntervalMs,
    queryIntervalMs: Math.min(STATUS_QUERY_INTERVAL_MS, config.pollIntervalMs),
    log,
    metrics,
  });
  const health = healthProbes({
    monitor,
    monitorIntervalMs,
    clock,
    identityNotAfter: () => reloader.identity.notAfter,
    workerState: () => worker.getState(),
    pollIntervalMs: config.pollIntervalMs,
    startedAtMs,
    metrics,
  });
  if (config.metrics.listen) {
    const server = await startMetricsServer({
      listen: config.metrics.listen,
      metrics,
      runtimeMetricsUrl: runtime.metricsUrl,
      health,
    }).catch((err: unknown) => {
      worker.shutdown();
      throw err;
    });
    cleanups.push(() => server.close());
    log.info('metrics listening', { address: server.address });
  }

  log.info('worker polling', { taskQueue: config.temporal.taskQueue, identity: workerIdentity });
  // The first round runs with the worker polling, so the status query finds someone to answer.
  void monitor.start();
  cleanups.push(() => monitor.stop());
  return { clusterName, worker, fatal };
}

function startEventStream(
  config: Config,
  teleport: GrpcTeleportClient,
  control: WatcherControl,
  reporter: WorkerReporter,
  log: Logger,
  metrics: AppMetrics,
): EventStream | undefined {
  if (!config.watchEvents) return undefined;
  const stream = new EventStream({
    teleport: () => teleport,
    notify: (change) => control.requestsChanged(change),
    log,
    metrics,
    onState: (state) => reporter.update({ eventStream: state }),
  });
  stream.start();
  return stream;
}

async function startIdentityReloader(
  config: Config,
  identity: Identity,
  apply: (next: Identity) => void,
  reporter: WorkerReporter,
  log: Logger,
  metrics: AppMetrics,
  now: () => Date,
): Promise<IdentityReloader> {
  const reloader = new IdentityReloader({
    path: config.teleport.identityFile,
    current: identity,
    apply,
    onProblem: (problem) => reporter.update({ identityProblem: problem }),
    log,
    metrics,
    now,
  });
  await reloader.start();
  return reloader;
}

/**
 * The config file is the source of truth at start: a watcher that was already running adopts its
 * policy. A signal, not a query, because no worker may be polling yet to answer a query.
 */
async function syncPolicy(control: WatcherControl, config: Config, log: Logger): Promise<void> {
  await control.setPolicy(config.policy);
  log.debug('policy from this configuration sent to the watcher');
}
