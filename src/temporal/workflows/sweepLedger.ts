// A sweep run's view of the usage ledger, while the policy has budgets: users' recorded use is
// read in regular activities before their evaluations (a chunk of users each), handed to each
// evaluation in its input, and what the evaluations observed is written back when the run's
// evaluations are done, before it continues as new or ends. Evaluations themselves never wait on
// the ledger's workflows, which this worker also serves. Workflow code: deterministic, no I/O.
import { proxyActivities } from '@temporalio/workflow';
import type { UserUsage } from '../../policy/usage';
import type * as activities from '../activities';
import type { LedgerRef } from '../sweepTypes';
import { READ_OPTIONS } from './activityOptions';
import { failureMessage } from './failureMessage';

/** Users per read or write: a user's ledger is a few hundred bytes, so ~250 KB a payload at most. */
const USERS_PER_CALL = 500;

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

  /** Reads the users this run has not read yet, a chunk per activity, all at once. */
  async load(users: string[]): Promise<void> {
    const unread = [...new Set(users)].filter((u) => !this.known.has(u));
    if (unread.length === 0) return;
    const ledger = proxyActivities<typeof activities>({
      ...READ_OPTIONS,
      summary: `read the usage ledger of ${unread.length} users`,
    });
    const found = await Promise.all(
      chunks(unread).map((chunk) => ledger.readLedger({ cluster: this.cluster, users: chunk })),
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
   * Writes what this run observed, a chunk per activity; the users whose write failed (their
   * evaluations must run again: Teleport still holds what they observed, for a while).
   */
  async write(): Promise<{ failed: string[]; errors: string[] }> {
    const usage = [...this.changed.values()];
    this.changed.clear();
    if (usage.length === 0) return { failed: [], errors: [] };
    const ledger = proxyActivities<typeof activities>({
      ...READ_OPTIONS,
      summary: `record the use of ${usage.length} users`,
    });
    const parts = chunks(usage);
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

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += USERS_PER_CALL)
    out.push(items.slice(i, i + USERS_PER_CALL));
  return out;
}
