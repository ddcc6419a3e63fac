// The usage ledger's interface: an update that records what a sweep observed, and one that reads
// users' ledgers back. Reads are updates, not queries, because the SDK's core (1.24) handles a
// query that arrives while the same workflow has a task in flight badly: with two such queries
// and a write, it drops one and the client retries after a pause, and a shard queried between two
// writes once never completed the second (issue 20's stalled shard). An update is delivered in
// the workflow's own task, in order with the writes. The queries stay for operators (`temporal
// workflow query --type usage`). Pure: imported by workflow code and by the client side
// (src/temporal/usageLedger.ts).
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { UserUsage } from '../../policy/usage';
import type { UsageWrite } from './ledgerBook';

export type { UsageWrite } from './ledgerBook';

export const recordUsageUpdate = defineUpdate<void, [UsageWrite]>('recordUsage');
/** The named users' ledgers (those with recorded use); without `users`, every user of the shard. */
export const readUsageUpdate = defineUpdate<UserUsage[], [UsageRead]>('readUsage');

export interface UsageRead {
  users?: string[];
}
/** The named users' ledgers (those with recorded use); no argument: every user of the shard. */
export const usageQuery = defineQuery<UserUsage[], [string[]?]>('usage');
export const ledgerSizeQuery = defineQuery<LedgerSize>('ledgerSize');

export interface LedgerSize {
  users: number;
  spans: number;
  /** The shard's state as JSON, what continue-as-new carries. */
  bytes: number;
}

/** One line naming what is wrong with a readUsage argument, or undefined when it is usable. */
export function checkUsageRead(input: unknown): string | undefined {
  const users = (input as Partial<UsageRead> | null)?.users;
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    return 'readUsage takes {"users": ["<name>"]}, or {} for every user';
  if (users !== undefined && !(Array.isArray(users) && users.every((u) => typeof u === 'string')))
    return 'readUsage: users must be a list of user names';
  return undefined;
}

/** One line naming what is wrong with a recordUsage payload, or undefined when it is usable. */
export function checkUsageWrite(input: unknown): string | undefined {
  if (typeof input !== 'object' || input === null)
    return 'recordUsage takes {usage, retainMs, now}';
  const w = input as Partial<Record<keyof UsageWrite, unknown>>;
  if (!Array.isArray(w.usage)) return 'recordUsage: usage must be a list of user ledgers';
  if (typeof w.retainMs !== 'number' || !(w.retainMs >= 0))
    return 'recordUsage: retainMs must be a number of milliseconds, 0 or more';
  if (typeof w.now !== 'string' || Number.isNaN(Date.parse(w.now)))
    return 'recordUsage: now must be an RFC 3339 time';
  for (const u of w.usage as unknown[]) {
    const usage = u as Partial<UserUsage> | null;
    if (
      typeof usage?.user !== 'string' ||
      typeof usage.since !== 'string' ||
      !Array.isArray(usage.spans)
    )
      return 'recordUsage: each ledger needs user, since and spans';
    for (const s of usage.spans) {
      const fields = [s?.requestId, s?.environment, s?.start, s?.end, s?.grantedAt];
      if (!fields.every((f) => typeof f === 'string'))
        return `recordUsage: a span of ${usage.user} lacks requestId, environment, start, end or grantedAt`;
    }
  }
  return undefined;
}
