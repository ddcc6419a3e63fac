// The service's watch over what it needs to enforce, every few seconds: Teleport answers a ping,
// Temporal answers, the watcher workflow runs (recreated when `run` finds it terminated, completed
// or failed) and its workflow tasks do not keep failing, and its sweeps progress. /readyz and
// /healthz answer from what the last round saw; state changes are logged once each. Sweep progress
// is read by a status query, answered by the workflow in a worker: the costliest call of a round,
// so it is asked less often than the others (sweeps are judged against three poll intervals).
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { AppMetrics } from '../metrics/appMetrics';
import type { WatcherStatus } from '../temporal/workflows/messages';
import type { Logger } from '../util/logger';
import type { WatcherFacts } from './readiness';

/** A workflow task on its third attempt has failed twice: it will not heal by itself. */
const STUCK_TASK_ATTEMPT = 3;
const CALL_DEADLINE_MS = 10_000;

export interface WatcherMonitorOptions {
  client: Client;
  workflowId: string;
  /** Pings Teleport; rejects when it does not answer. */
  pingTeleport: () => Promise<unknown>;
  /** Starts the watcher again; undefined for `worker`, which never starts it. */
  recreate?: () => Promise<void>;
  intervalMs: number;
  /**
   * The least time between status queries while the watcher runs (default: every round); rounds
   * between keep the sweep times the last query read.
   */
  queryIntervalMs?: number;
  log: Logger;
  metrics?: AppMetrics;
}

export interface MonitorSnapshot {
  beatMs: number;
  temporalError?: string;
  teleportOkAtMs?: number;
  teleportError?: string;
  watcher: WatcherFacts;
}

export class WatcherMonitor {
  private snapshot: MonitorSnapshot;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private inFlight: Promise<void> = Promise.resolve();
  private lastWatcherState = 'unknown';
  /** When the status query last answered; undefined until it has, and after any other outcome. */
  private queriedAtMs: number | undefined;

  constructor(private readonly options: WatcherMonitorOptions) {
    this.snapshot = {
      beatMs: Date.now(),
      teleportOkAtMs: Date.now(),
      watcher: { state: 'unknown' },
    };
  }

  get current(): MonitorSnapshot {
    return this.snapshot;
  }

  /** Runs the first round now, then one every interval until stop(). */
  async start(): Promise<void> {
    await this.round();
    this.schedule();
  }

  /** Resolves once a round under way has finished: its calls must not outlive the connection. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.inFlight;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(
      () => void this.round().finally(() => this.schedule()),
      this.options.intervalMs,
    );
  }

  /** One round; never throws (every failure is a fact for readiness). */
  round(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.inFlight = this.check();
    return this.inFlight;
  }

  private async check(): Promise<void> {
    const [teleport, watcher] = await Promise.all([this.checkTeleport(), this.checkWatcher()]);
    this.snapshot = { beatMs: Date.now(), ...teleport, ...watcher };
    this.noteWatcherState(this.snapshot.watcher);
  }

  private async checkTeleport(): Promise<
    Pick<MonitorSnapshot, 'teleportOkAtMs' | 'teleportError'>
  > {
    try {
      await this.options.pingTeleport();
      return { teleportOkAtMs: Date.now() };
    } catch (err) {
      return { teleportOkAtMs: this.snapshot.teleportOkAtMs, teleportError: oneLine(err) };
    }
  }

  private async checkWatcher(): Promise<Pick<MonitorSnapshot, 'temporalError' | 'watcher'>> {
    const { client, workflowId } = this.options;
    // Kept only when this round finds the watcher running and queries it, or may skip the query.
    const queriedAtMs = this.queriedAtMs;
    this.queriedAtMs = undefined;
    const handle = client.workflow.getHandle(workflowId);
    const deadline = () => Date.now() + CALL_DEADLINE_MS;
    let description;
    try {
      description = await client.connection.withDeadline(deadline(), () => handle.describe());
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) {
        return { temporalError: oneLine(err), watcher: { state: 'unknown' } };
      }
      return { watcher: await this.gone('not found') };
    }
    const status = description.status.name;
    if (status !== 'RUNNING') return { watcher: await this.gone(status.toLowerCase()) };
    const attempt = description.raw.pendingWorkflowTask?.attempt ?? 0;
    if (attempt >= STUCK_TASK_ATTEMPT) {
      return {
        watcher: {
          state: 'stuck',
          detail: `its workflow task keeps failing (attempt ${attempt}); see the workflow's history in the Web UI`,
        },
      };
    }
    const previous = this.snapshot.watcher;
    const sinceQueryMs = Date.now() - (queriedAtMs ?? -Infinity);
    if (previous.state === 'running' && sinceQueryMs < (this.options.queryIntervalMs ?? 0)) {
      this.queriedAtMs = queriedAtMs;
      return { watcher: previous };
    }
    try {
      const s = await client.connection.withDeadline(deadline(), () =>
        handle.query<WatcherStatus>('status'),
      );
      this.queriedAtMs = Date.now();
      return {
        watcher: {
          state: 'running',
          lastSweepFinishedAtMs: timeOf(s.lastSweep?.finishedAt),
          currentSweepStartedAtMs: timeOf(s.currentSweep?.startedAt),
        },
      };
    } catch (err) {
      // Running, but no answer yet (no worker has picked up the task): keep what we knew.
      return {
        watcher: { ...previous, state: 'running', detail: `status query: ${oneLine(err)}` },
      };
    }
  }

  private async gone(how: string): Promise<WatcherFacts> {
    if (!this.options.recreate) return { state: 'gone', detail: how };
    this.options.log.warn(`watcher workflow ${how}: starting it again`, {
      workflowId: this.options.workflowId,
    });
    try {
      await this.options.recreate();
      this.options.metrics?.watcherRecreated.inc();
      this.options.log.info('watcher running', {
        workflowId: this.options.workflowId,
        recreated: true,
      });
      return { state: 'running' };
    } catch (err) {
      return { state: 'gone', detail: `${how}; starting it again failed: ${oneLine(err)}` };
    }
  }

  private noteWatcherState(w: WatcherFacts): void {
    this.options.metrics?.watcherHealthy.set(w.state === 'running' ? 1 : 0);
    if (w.state === this.lastWatcherState) return;
    if (w.state === 'stuck') this.options.log.error(`watcher stuck: ${w.detail ?? ''}`);
    else if (w.state === 'gone') this.options.log.error(`watcher gone: ${w.detail ?? ''}`);
    else if (w.state === 'running' && this.lastWatcherState !== 'unknown')
      this.options.log.info('watcher healthy again');
    this.lastWatcherState = w.state;
  }
}

function timeOf(iso: string | undefined): number | undefined {
  if (!iso) return undefined;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
}

function oneLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0] ?? message;
}
