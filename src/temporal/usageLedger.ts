// The usage ledger from outside its workflows: a sweep reads its users' ledgers and writes what
// their evaluations observed (activities/ledger.ts); `jit-watcher usage` and the bench read whole
// shards. A user's use lives in one shard workflow (names.ts); the first write starts it
// (update-with-start), so a cluster without budgets never has one. Reads and writes are updates
// (ledgerMessages.ts says why not queries); a write is confirmed once the shard applied it, so
// the next read sees it.
import {
  WithStartWorkflowOperation,
  WorkflowNotFoundError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  type Client,
} from '@temporalio/client';
import type { UserUsage } from '../policy/usage';
import { LEDGER_SHARDS, ledgerShard, ledgerWorkflowId } from './names';
import type { LedgerInput } from './workflows/ledger';
import {
  ledgerSizeQuery,
  readUsageUpdate,
  recordUsageUpdate,
  type LedgerSize,
  type UsageWrite,
} from './workflows/ledgerMessages';

/** What ends a call early: an activity attempt's cancellation, and a deadline before its timeout. */
export interface CallBound {
  signal?: AbortSignal;
  deadline?: Date;
}

export interface UsageLedger {
  /** The named users' recorded use (users with none are left out): one update per shard. */
  read(cluster: string, users: string[], bound?: CallBound): Promise<UserUsage[]>;
  /** Merges users' observed ledgers into their shards: one update per shard, starting new ones. */
  record(cluster: string, write: UsageWrite, bound?: CallBound): Promise<void>;
  /** Every user's recorded use, shard by shard. */
  readAll(cluster: string, bound?: CallBound): Promise<UserUsage[]>;
  /** Each started shard's size, by query (for the bench: no write runs meanwhile). */
  sizes(cluster: string): Promise<(LedgerSize & { shard: number })[]>;
}

export interface UsageLedgerOptions {
  /** A shard this starts continues as new after this many events (default: the workflow's). */
  continueAsNewAfterEvents?: number;
}

export function temporalUsageLedger(
  client: Client,
  taskQueue: string,
  options: UsageLedgerOptions = {},
): UsageLedger {
  const handle = (cluster: string, shard: number) =>
    client.workflow.getHandle(ledgerWorkflowId(cluster, shard));
  const orNone = <T>(err: unknown, none: T): T => {
    if (err instanceof WorkflowNotFoundError) return none;
    throw err;
  };
  const shards = Array.from({ length: LEDGER_SHARDS }, (_, shard) => shard);
  // The signal does not cancel the gRPC call (the client adds a listener per call, and none for a
  // signal aborted before its call starts): the caller stops waiting, and the deadline ends the call.
  const within = <R>(bound: CallBound | undefined, call: () => Promise<R>): Promise<R> => {
    const { signal, deadline } = bound ?? {};
    const timed = (deadline ? client.withDeadline(deadline, call) : call()).catch(
      (err: unknown) => {
        if (!(err instanceof WorkflowUpdateRPCTimeoutOrCancelledError)) throw err;
        throw new Error(
          `the usage ledger did not answer in time; its shards are workflows on task queue ${taskQueue}: check that a worker polls it`,
        );
      },
    );
    return signal ? untilAborted(signal, timed) : timed;
  };
  const readShard = (cluster: string, shard: number, users?: string[]): Promise<UserUsage[]> =>
    handle(cluster, shard)
      .executeUpdate(readUsageUpdate, { args: [users ? { users } : {}] })
      .catch((err: unknown) => orNone(err, []));
  const send = async (cluster: string, shard: number, write: UsageWrite): Promise<void> => {
    const input: LedgerInput = { cluster, shard, ...options };
    await client.workflow.executeUpdateWithStart(recordUsageUpdate, {
      args: [write],
      startWorkflowOperation: new WithStartWorkflowOperation('ledger', {
        workflowId: ledgerWorkflowId(cluster, shard),
        taskQueue,
        args: [input],
        workflowIdConflictPolicy: 'USE_EXISTING',
        staticSummary: `usage ledger of ${cluster}, shard ${shard + 1} of ${LEDGER_SHARDS}`,
      }),
    });
  };

  return {
    async read(cluster, users, bound) {
      const found = await within(bound, () =>
        Promise.all(
          [...byShard(new Set(users), (user) => user)].map(([shard, named]) =>
            readShard(cluster, shard, named),
          ),
        ),
      );
      return found.flat();
    },

    async record(cluster, write, bound) {
      await within(bound, () =>
        Promise.all(
          [...byShard(write.usage, (u) => u.user)].map(([shard, usage]) =>
            send(cluster, shard, { ...write, usage }),
          ),
        ),
      );
    },

    async readAll(cluster, bound) {
      const all = await within(bound, () =>
        Promise.all(shards.map((shard) => readShard(cluster, shard))),
      );
      return all.flat().sort((a, b) => (a.user < b.user ? -1 : a.user > b.user ? 1 : 0));
    },

    async sizes(cluster) {
      const all = await Promise.all(
        shards.map((shard) =>
          handle(cluster, shard)
            .query(ledgerSizeQuery)
            .then((size) => [{ ...size, shard }])
            .catch((err: unknown) => orNone(err, [])),
        ),
      );
      return all.flat();
    },
  };
}

/** `promise`, or a rejection as soon as `signal` aborts (at once if it already has). */
function untilAborted<R>(signal: AbortSignal, promise: Promise<R>): Promise<R> {
  return new Promise<R>((resolve, reject) => {
    const abort = () => reject(new Error('the usage ledger call was cancelled with its activity'));
    if (signal.aborted) abort();
    signal.addEventListener('abort', abort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}

/** Items grouped by the shard their user's ledger lives in. */
function byShard<T>(items: Iterable<T>, userOf: (item: T) => string): Map<number, T[]> {
  const shards = new Map<number, T[]>();
  for (const item of items) {
    const shard = ledgerShard(userOf(item));
    const found = shards.get(shard);
    if (found) found.push(item);
    else shards.set(shard, [item]);
  }
  return shards;
}
