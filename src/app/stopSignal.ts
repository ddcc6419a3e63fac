// SIGTERM and Ctrl-C stop the service gracefully: the first resolves the stop promise (the worker
// drains, activities in flight finish); a second one exits at once. Installed when the service
// starts, so a signal during start-up also stops it cleanly.
import type { Logger } from '../util/logger';

export function processStopSignal(log: Logger): Promise<void> {
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
