// The usage ledger from outside its workflows: evaluations read a user's ledger and record what
// they observed; `jit-watcher usage` and the bench read whole shards. A user's use lives in one
// shard workflow (names.ts); the first write starts it (update-with-start), so a cluster without
// budgets never has one. Writes wait until the shard applied them: the next read sees them.
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

/** Shards kept by scoped reads: two sweep runs' worth. */
const SCOPED_SHARDS = 2 * LEDGER_SHARDS;

export interface UsageLedger {
  /**
   * The user's recorded use; undefined when none is recorded. With `scope` (a sweep run's id),
   * the user's whole shard is read once per scope and kept: a sweep run of 10,000 user
   * evaluations makes 64 queries instead of 10,000. Safe because within one run each user's
   * spans change only by that user's own evaluation, after their reads.
   */
  read(cluster: string, user: string, scope?: string): Promise<UserUsage | undefined>;
  /** Merges one user's observed ledger into their shard, starting the shard if it is new. */
  record(cluster: string, write: UsageWrite & { usage: [UserUsage] }): Promise<void>;
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
  const scoped = new Map<string, Promise<Map<string, UserUsage>>>();
  const readShard = (cluster: string, shard: number, scope: string) => {
    const key = `${scope}\u0000${cluster}\u0000${shard}`;
    let found = scoped.get(key);
    if (!found) {
      found = handle(cluster, shard)
        .query(usageQuery)
        .catch((err: unknown) => orNone(err, []))
        .then((all) => new Map(all.map((u) => [u.user, u])));
      // A failed read is not kept: the activity's retry asks again.
      found.catch(() => scoped.delete(key));
      scoped.set(key, found);
      // Bounded: a few sweep runs' shards; the oldest goes first.
      if (scoped.size > SCOPED_SHARDS) scoped.delete(scoped.keys().next().value as string);
    }
    return found;
  };

  return {
    async read(cluster, user, scope) {
      if (scope) return (await readShard(cluster, ledgerShard(user), scope)).get(user);
      const found = await handle(cluster, ledgerShard(user))
        .query(usageQuery, [user])
        .catch((err: unknown) => orNone(err, []));
      return found[0];
    },

    async record(cluster, write) {
      const shard = ledgerShard(write.usage[0].user);
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
