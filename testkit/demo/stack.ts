// Starts what the demo runs on: the Temporal dev server (unless given an address), the simulated
// Teleport cluster, and the real service in-process, as `jit-watcher run` would run it. Whatever
// it started it stops, in reverse order, also when startup fails halfway or is aborted.
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { runService } from '../../src/app/service';
import { defaultConfig, type Config } from '../../src/config/types';
import type { Policy } from '../../src/policy/types';
import { startSimCluster, type SimCluster } from '../sim';
import { CLIENT_CHANNEL_ARGS } from '../../src/temporal/connection';
import { ensureWatcher, type WatcherControl } from '../../src/temporal/control';
import { findTemporalCli, startDevServer, type DevServer } from '../../src/temporal/devServer';
import type { Logger } from '../../src/util/logger';
import { waitFor } from '../../src/util/waitFor';
import { checkAborted, DemoAborted, guarded, stopping } from './guard';
import { installDemoRuntime } from './runtime';
import { chooseUiPort } from './uiPort';

/** Long enough for the first worker to bundle the workflows on a slow machine. */
const WATCHER_READY_TIMEOUT_MS = 90_000;
/** The safety net only: each step signals sweepNow instead of waiting for a poll. */
const POLL_INTERVAL_MS = 30_000;

/** How long a stopped demo waits for a half-started dev server, to stop it rather than orphan it. */
const ABANDON_START_MS = 10_000;

const TEMPORAL_CLI_MISSING =
  'Temporal CLI not found: run `npm run install-temporal` (needs Go), then `npm run demo` again';

export interface DemoStackOptions {
  clusterName: string;
  taskQueue: string;
  /** A Temporal frontend to use; empty starts an in-memory dev server. */
  temporalAddress?: string;
  /** Web UI port of the dev server; undefined runs it headless, 0 picks a free port. */
  uiPort?: number;
  log: Logger;
  progress: (text: string) => void;
  signal?: AbortSignal;
}

export interface DemoStack {
  sim: SimCluster;
  policy: Policy;
  control: WatcherControl;
  temporalAddress: string;
  webUiUrl?: string;
  /** Rejects if the in-process service ends before stop(); never resolves. */
  failure: Promise<never>;
  stop(): Promise<void>;
}

/** Undo steps, run newest first; one failing never keeps the others from running. */
class Cleanups {
  private readonly steps: Array<() => Promise<unknown>> = [];
  constructor(private readonly log: Logger) {}
  add(step: () => Promise<unknown>): void {
    this.steps.push(step);
  }
  async run(): Promise<void> {
    for (const step of this.steps.splice(0).reverse()) {
      await step().catch((err: unknown) => this.log.warn('demo cleanup failed', { error: err }));
    }
  }
}

export async function startDemoStack(options: DemoStackOptions): Promise<DemoStack> {
  const cleanups = new Cleanups(options.log);
  try {
    const temporal = await startTemporal(options, cleanups);
    checkAborted(options.signal);
    options.progress('Starting simulated Teleport cluster...');
    const sim = await startSimCluster({ clusterName: options.clusterName });
    cleanups.add(() => sim.stop());
    const identityFile = await writeBotIdentity(sim, cleanups);
    checkAborted(options.signal);

    options.progress('Starting worker and watcher...');
    const config = demoConfig(sim, identityFile, temporal.address, options.taskQueue);
    installDemoRuntime(options.log);
    const service = startService(config, options.log);
    cleanups.add(() => service.stop());
    const connection = await Connection.connect({
      address: temporal.address,
      channelArgs: CLIENT_CHANNEL_ARGS,
    });
    cleanups.add(() => connection.close());
    // The demo starts the watcher itself, with the input runService would use, so it holds the
    // handle it needs to terminate the watcher on a Temporal server it does not own.
    const control = await ensureWatcher(new Client({ connection }), config.temporal.taskQueue, {
      cluster: sim.clusterName,
      policy: config.policy,
      pollIntervalMs: config.pollIntervalMs,
      fullEvaluationIntervalMs: config.fullEvaluationIntervalMs,
    });
    // On a server the demo did not start, a watcher left running would outlive its worker.
    if (!temporal.owned) cleanups.add(() => control.handle.terminate('demo over'));
    await guarded(
      waitFor(
        async () =>
          stopping(options.signal) || (await control.status()).cluster === sim.clusterName,
        {
          timeoutMs: WATCHER_READY_TIMEOUT_MS,
          intervalMs: 200,
          what: 'the watcher to answer its status query',
        },
      ),
      { signal: options.signal, failure: service.failure },
    );
    return {
      sim,
      policy: config.policy,
      control,
      temporalAddress: temporal.address,
      webUiUrl: temporal.webUiUrl,
      failure: service.failure,
      stop: () => cleanups.run(),
    };
  } catch (err) {
    await cleanups.run();
    throw err;
  }
}

interface Temporal {
  address: string;
  webUiUrl?: string;
  owned: boolean;
}

async function startTemporal(options: DemoStackOptions, cleanups: Cleanups): Promise<Temporal> {
  if (options.temporalAddress) return { address: options.temporalAddress, owned: false };
  if (!findTemporalCli()) throw new Error(TEMPORAL_CLI_MISSING);
  const ui = options.uiPort === undefined ? undefined : await chooseUiPort(options.uiPort);
  if (ui?.fallbackFrom !== undefined) {
    options.progress(`Port ${ui.fallbackFrom} is in use; the Web UI will use port ${ui.port}`);
  }
  const where = ui ? ` (Web UI on http://localhost:${ui.port})` : '';
  options.progress(`Starting Temporal dev server${where}...`);
  const starting = startDevServer({
    port: 0,
    uiPort: ui?.port,
    log: (line) => options.log.info(line),
  });
  let server: DevServer;
  try {
    server = await guarded(starting, { signal: options.signal });
  } catch (err) {
    if (err instanceof DemoAborted) await stopOnceStarted(starting);
    throw err;
  }
  cleanups.add(() => server.stop());
  return { address: server.address, webUiUrl: server.uiUrl, owned: true };
}

/**
 * Stops a dev server that was still starting when the demo was stopped. A Ctrl-C from the
 * terminal has usually killed it already, and startDevServer only notices at its own timeout, so
 * the wait is bounded.
 */
async function stopOnceStarted(starting: Promise<DevServer>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const giveUp = new Promise<void>((resolve) => (timer = setTimeout(resolve, ABANDON_START_MS)));
  await Promise.race([starting.then((server) => server.stop()).catch(() => undefined), giveUp]);
  clearTimeout(timer);
}

/** The bot's identity, as tbot would write it: a private directory, a file only we can read. */
async function writeBotIdentity(sim: SimCluster, cleanups: Cleanups): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'jit-watcher-demo-'));
  cleanups.add(() => fs.rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'identity');
  const text = await sim.issueIdentity({ user: 'bot-jit-watcher', roles: ['jit-watcher'] });
  await fs.writeFile(file, text, { mode: 0o600 });
  return file;
}

function demoConfig(
  sim: SimCluster,
  identityFile: string,
  temporalAddress: string,
  taskQueue: string,
): Config {
  const config = defaultConfig();
  // Through the TLS-routing proxy, as with Teleport Cloud.
  config.teleport.address = sim.proxyAddress;
  config.teleport.identityFile = identityFile;
  config.temporal.address = temporalAddress;
  config.temporal.taskQueue = taskQueue;
  config.metrics.listen = '';
  config.pollIntervalMs = POLL_INTERVAL_MS;
  return config;
}

interface RunningService {
  failure: Promise<never>;
  stop(): Promise<void>;
}

function startService(config: Config, log: Logger): RunningService {
  let requestStop!: () => void;
  const stopSignal = new Promise<void>((resolve) => (requestStop = resolve));
  const running = runService({ config, log, ensureWatcher: false, stopSignal });
  const failure = running.then(
    () => Promise.reject(new Error('the worker stopped unexpectedly')),
    (err: unknown) =>
      Promise.reject(
        new Error(`the worker failed: ${err instanceof Error ? err.message : String(err)}`),
      ),
  );
  // Racers observe it while the demo runs; after stop() nobody does, and that is fine.
  failure.catch(() => undefined);
  return {
    failure,
    async stop() {
      requestStop();
      await running.catch((err: unknown) =>
        log.warn('worker stopped with an error', { error: err }),
      );
    },
  };
}
