// Waiting for the watcher in a benchmark: until it has finished `count` sweeps (and, if asked, has
// none under way or queued), failing at once with the worker's last line if its process exited.
import type { WatcherControl } from '../src/temporal/control';
import { StopWaiting, waitFor } from '../src/util/waitFor';
import type { WorkerProcess } from './workerProcess';

export async function sweepsDone(
  control: WatcherControl,
  worker: WorkerProcess,
  count: number,
  what: string,
  options: { idle?: boolean } = {},
): Promise<void> {
  await waitFor(
    async () => {
      const exited = worker.exited();
      if (exited) throw new StopWaiting(exited);
      const status = await control.status();
      const idle = !options.idle || (!status.currentSweep && !status.sweepQueued);
      return status.sweeps >= count && idle;
    },
    { timeoutMs: 30 * 60_000, intervalMs: 200, what },
  );
}
