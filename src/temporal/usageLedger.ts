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
  const batches = new WriteBatches(send);
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

    record(cluster, write) {
      return batches.add(cluster, ledgerShard(write.usage[0].user), write);
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

/** Writes gathered for one shard, and the callers waiting for them to be applied. */
interface Batch {
  write: UsageWrite;
  waiters: { resolve: () => void; reject: (err: unknown) => void }[];
}

/**
 * Writes to one shard that arrive together (a sweep evaluates up to 100 users at once) go out as
 * one update: one workflow task for the shard instead of one per user, which is what made a first
 * sweep under budgets slow. Each caller still returns only once its write is applied.
 */
class WriteBatches {
  private readonly open = new Map<string, Batch>();

  constructor(
    private readonly send: (cluster: string, shard: number, write: UsageWrite) => Promise<void>,
  ) {}

  add(cluster: string, shard: number, write: UsageWrite): Promise<void> {
    const key = `${cluster}\u0000${shard}`;
    let batch = this.open.get(key);
    if (!batch) {
      batch = { write: { ...write, usage: [] }, waiters: [] };
      this.open.set(key, batch);
      // The next turn of the event loop: writes made meanwhile join this batch.
      setTimeout(() => this.flush(key, cluster, shard), BATCH_DELAY_MS);
    }
    batch.write.usage.push(...write.usage);
    batch.write.now = write.now > batch.write.now ? write.now : batch.write.now;
    batch.write.retainMs = write.retainMs;
    const done = new Promise<void>((resolve, reject) => batch.waiters.push({ resolve, reject }));
    if (batch.write.usage.length >= BATCH_MAX_USERS) this.flush(key, cluster, shard);
    return done;
  }

  private flush(key: string, cluster: string, shard: number): void {
    const batch = this.open.get(key);
    if (!batch) return;
    this.open.delete(key);
    this.send(cluster, shard, batch.write).then(
      () => batch.waiters.forEach((w) => w.resolve()),
      (err: unknown) => batch.waiters.forEach((w) => w.reject(err)),
    );
  }
}

/** How long a batch waits for more writes; short next to an update's round trip. */
const BATCH_DELAY_MS = 10;
/** Users one update carries at most (a user's spans are a few hundred bytes). */
const BATCH_MAX_USERS = 200;
