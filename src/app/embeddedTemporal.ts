// The embedded Temporal dev server under `run`: started on the configured port and database, and
// started again on the same ones if it dies while the service runs (the worker and client
// reconnect by themselves). Restarts are bounded: a server that keeps dying makes the service
// exit non-zero, so systemd or Kubernetes restarts the whole process instead.
import type { Config } from '../config/types';
import { startDevServer, type DevServer } from '../temporal/devServer';
import type { Logger } from '../util/logger';

const MAX_RESTARTS = 5;
/**
 * The embedded server's cap on one search attribute value (Temporal's default is 2 KiB). A large
 * sweep's decisions are indexed in chunks of this size, so ~6x fewer decisionIndex children, each
 * a workflow the server starts, runs and records (most of its CPU in a 10,000-request burst,
 * bench/RESULTS.md). Two such lists and the rest stay under the default 40 KiB cap on a
 * workflow's attributes together.
 */
export const EMBEDDED_SEARCH_ATTRIBUTE_VALUE_LIMIT = 12_288;
/** Temporal's dynamic config key for that cap (server common/dynamicconfig/constants.go). */
export const SEARCH_ATTRIBUTE_VALUE_LIMIT_KEY = 'frontend.searchAttributesSizeOfValueLimit';
const RESTART_WINDOW_MS = 10 * 60_000;

export interface EmbeddedTemporal {
  address: string;
  /** The server's cap on one search attribute value, which it was started with. */
  searchAttributeValueLimit: number;
  /** Rejects when the server cannot be kept running; never resolves otherwise. */
  failed: Promise<never>;
  stop(): Promise<void>;
}

export async function startEmbeddedTemporal(
  config: Config,
  log: Logger,
): Promise<EmbeddedTemporal> {
  const { port, uiPort, dbFile } = config.temporal.devServer;
  const start = (gRpcPort: number): Promise<DevServer> =>
    startDevServer({
      port: gRpcPort,
      uiPort,
      dbFile,
      dynamicConfig: { [SEARCH_ATTRIBUTE_VALUE_LIMIT_KEY]: EMBEDDED_SEARCH_ATTRIBUTE_VALUE_LIMIT },
      log: (line) => log.info(line),
    });
  let server = await start(port);
  const fixedPort = Number(server.address.split(':').pop());
  let stopped = false;
  const restarts: number[] = [];

  let fail!: (err: Error) => void;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  failed.catch(() => undefined); // observed by the service; never an unhandled rejection

  const supervise = (current: DevServer): void => {
    void current.died.then(async ({ code }) => {
      if (stopped) return;
      const now = Date.now();
      restarts.push(now);
      while (restarts.length > 0 && (restarts[0] ?? now) < now - RESTART_WINDOW_MS)
        restarts.shift();
      if (restarts.length > MAX_RESTARTS) {
        fail(
          new Error(
            `the embedded Temporal dev server died ${restarts.length} times in 10 min (last exit code ${code}); exiting so the service manager restarts jit-watcher`,
          ),
        );
        return;
      }
      log.error('embedded Temporal dev server exited; starting it again on the same database', {
        code,
        dbFile,
      });
      try {
        server = await start(fixedPort);
        supervise(server);
      } catch (err) {
        fail(
          new Error(
            `the embedded Temporal dev server died and could not be started again: ${err instanceof Error ? err.message : String(err)}`,
          ),
        );
      }
    });
  };
  supervise(server);

  return {
    address: server.address,
    searchAttributeValueLimit: EMBEDDED_SEARCH_ATTRIBUTE_VALUE_LIMIT,
    failed,
    stop: async () => {
      stopped = true;
      await server.stop();
    },
  };
}
