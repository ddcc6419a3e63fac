// The usage ledger from outside its workflows: a sweep reads its users' ledgers and writes what
// their evaluations observed (activities/ledger.ts); `jit-watcher usage` and the bench read whole
// shards. A user's use lives in one shard workflow (names.ts); the first write starts it
// (update-with-start), so a cluster without budgets never has one. Writes wait until the shard
// applied them: the next read sees them.
import { WithStartWorkflowOperation, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { UserUsage } from '../policy/usage';
import { LEDGER_SHARDS, ledgerShard, ledgerWorkflowId } from './names';
import type { LedgerInput } from './workflows/ledger';
import {
  ledgerSizeQuery,
  recordUsageUpdate,
  usageQuery,
  type LedgerSize,
  type UsageWrite,
} from './workflows/ledgerMessages';

export interface UsageLedger {
  /** The named users' recorded use (users with none are left out): one query per shard. */
  read(cluster: string, users: string[]): Promise<UserUsage[]>;
  /** Merges users' observed ledgers into their shards: one update per shard, starting new ones. */
  record(cluster: string, write: UsageWrite): Promise<void>;
  /** Every user's recorded use, shard by shard. */
  readAll(cluster: string): Promise<UserUsage[]>;
  /** Each started shard's size; a shard never written is left out. */
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
    async read(cluster, users) {
      const found = await Promise.all(
        [...byShard(new Set(users), (user) => user)].map(([shard, named]) =>
          handle(cluster, shard)
            .query(usageQuery, named)
            .catch((err: unknown) => orNone(err, [])),
        ),
      );
      return found.flat();
    },

    async record(cluster, write) {
      await Promise.all(
        [...byShard(write.usage, (u) => u.user)].map(([shard, usage]) =>
          send(cluster, shard, { ...write, usage }),
        ),
      );
    },

    async readAll(cluster) {
      const all = await Promise.all(
        shards.map((shard) =>
          handle(cluster, shard)
            .query(usageQuery)
            .catch((err: unknown) => orNone(err, [])),
        ),
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
