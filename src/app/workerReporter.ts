// Tells the watcher workflow how this worker is doing (identity expiry, identity problems, clock
// skew, event stream state), so `jit-watcher status` shows it from anywhere. It reports on every change and
// every REPORT_INTERVAL_MS besides, so `status` can tell a silent worker from a dead one. Best
// effort: a report that cannot be delivered (watcher not started yet, Temporal away) is logged at
// debug and the next one carries the latest state.
import type { WatcherControl } from '../temporal/control';
import type { WorkerReport } from '../temporal/workflows/messages';
import type { Logger } from '../util/logger';

/** A minute: 3 missed reports (status's staleness mark) are noticed within minutes, at ~4 history
 * events per report in the watcher's history. */
const REPORT_INTERVAL_MS = 60_000;

export class WorkerReporter {
  private report: WorkerReport;
  private sending = Promise.resolve();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly control: WatcherControl,
    worker: string,
    private readonly log: Logger,
    intervalMs = REPORT_INTERVAL_MS,
  ) {
    this.report = { worker, reportIntervalMs: intervalMs, at: new Date().toISOString() };
    // Never keeps the process alive on its own.
    this.timer = setInterval(() => this.update({}), intervalMs).unref();
  }

  update(change: Partial<Omit<WorkerReport, 'worker' | 'at'>>): void {
    const next: WorkerReport = { ...this.report, ...change, at: new Date().toISOString() };
    // A problem reported as undefined is over: drop the key rather than send it as null.
    for (const [key, value] of Object.entries(change)) {
      if (value === undefined) delete next[key as keyof typeof change];
    }
    this.report = next;
    // Serialised so reports arrive in the order they were made.
    this.sending = this.sending.then(() =>
      this.control
        .reportWorker(next)
        .catch((err: unknown) => this.log.debug('worker report not delivered', { error: err })),
    );
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
