// A sweep run's view of the usage ledger, while the policy has budgets: users' recorded use is
// read in regular activities before their evaluations (a group of shards each), handed to each
// evaluation in its input, and what the evaluations observed is written back when the run's
// evaluations are done, before it continues as new or ends. Evaluations themselves never wait on
// the ledger's workflows, which this worker also serves. Workflow code: deterministic, no I/O.
import { proxyActivities } from '@temporalio/workflow';
import type { UserUsage } from '../../policy/usage';
import type * as activities from '../activities';
import { ledgerShard } from '../names';
import type { LedgerRef } from '../sweepTypes';
import { READ_OPTIONS } from './activityOptions';
import { failureMessage } from './failureMessage';

/**
 * Reads and writes go out as this many activities at most, each for the users of every eighth
 * shard, so one run never asks a shard twice at once. A user's ledger is a few hundred bytes: a
 * run's ~1,500 users come to ~80 KB an activity.
 */
const SHARD_GROUPS = 8;

export class SweepLedger {
  /** Users read in this run; null: nothing recorded. */
  private readonly known = new Map<string, UserUsage | null>();
  /** What this run's evaluations observed, to be written. */
  private readonly changed = new Map<string, UserUsage>();

  constructor(
    private readonly cluster: string,
    private readonly since: string,
    private readonly retainMs: number,
  ) {}

  /**
   * Reads the users this run has not read yet, a group of shards per activity, all at once. A read
   * that fails for good fails the sweep: nothing is judged under budgets without the user's
   * recorded use, and the watcher's next sweep reads again.
   */
  async load(users: string[]): Promise<void> {
    const unread = [...new Set(users)].filter((u) => !this.known.has(u));
    if (unread.length === 0) return;
    const ledger = proxyActivities<typeof activities>({
      ...READ_OPTIONS,
      summary: `read the usage ledger of ${unread.length} users`,
    });
    const found = await Promise.all(
      byShardGroup(unread, (user) => user).map((users) =>
        ledger.readLedger({ cluster: this.cluster, users }),
      ),
    );
    for (const user of unread) this.known.set(user, null);
    for (const usage of found.flat()) this.known.set(usage.user, usage);
  }

  /** What an evaluation of `user` is given: their ledger as this run knows it. */
  refFor(user: string): LedgerRef {
    const recorded = this.known.get(user);
    return recorded ? { since: this.since, recorded } : { since: this.since };
  }

  /** Whether `user`'s ledger was read in this run. */
  has(user: string): boolean {
    return this.known.has(user);
  }

  /** An evaluation observed `usage`: later evaluations in this run see it, and the run writes it. */
  observed(usage: UserUsage): void {
    this.known.set(usage.user, usage);
    this.changed.set(usage.user, usage);
  }

  /**
   * Writes what this run observed, a group of shards per activity; the users whose write failed
   * (their evaluations must run again: Teleport still holds what they observed, for a while).
   */
  async write(): Promise<{ failed: string[]; errors: string[] }> {
    const usage = [...this.changed.values()];
    this.changed.clear();
    if (usage.length === 0) return { failed: [], errors: [] };
    const ledger = proxyActivities<typeof activities>({
      ...READ_OPTIONS,
      summary: `record the use of ${usage.length} users`,
    });
    const parts = byShardGroup(usage, (u) => u.user);
    const settled = await Promise.allSettled(
      parts.map((chunk) =>
        ledger.writeLedger({ cluster: this.cluster, usage: chunk, retainMs: this.retainMs }),
      ),
    );
    const failed: string[] = [];
    const errors: string[] = [];
    settled.forEach((s, i) => {
      if (s.status === 'fulfilled') return;
      const chunk = parts[i] ?? [];
      failed.push(...chunk.map((u) => u.user));
      errors.push(`record the use of ${chunk.length} users: ${failureMessage(s.reason)}`);
    });
    return { failed, errors };
  }
}

/** Items grouped so that each shard's users are in one group (non-empty groups only). */
function byShardGroup<T>(items: T[], userOf: (item: T) => string): T[][] {
  const groups: T[][] = Array.from({ length: SHARD_GROUPS }, () => []);
  for (const item of items) groups[ledgerShard(userOf(item)) % SHARD_GROUPS]?.push(item);
  return groups.filter((g) => g.length > 0);
}
