// Tells the watcher workflow how this worker is doing (identity expiry, identity problems, clock
// skew, event stream state), so `jit-watcher status` shows it from anywhere. Best effort: a report that cannot
// be delivered (watcher not started yet, Temporal away) is logged at debug and retried on the
// next change.
import type { WatcherControl } from '../temporal/control';
import type { WorkerReport } from '../temporal/workflows/messages';
import type { Logger } from '../util/logger';

export class WorkerReporter {
  private report: WorkerReport;
  private sending = Promise.resolve();

  constructor(
    private readonly control: WatcherControl,
    worker: string,
    private readonly log: Logger,
  ) {
    this.report = { worker, at: new Date().toISOString() };
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
}
