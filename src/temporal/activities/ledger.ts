// Reading and writing the usage ledger for a sweep, as regular activities: a chunk of the sweep's
// users read before their evaluations, what those evaluations observed written after them. Kept
// out of the evaluations (local activities) because the ledger's shards are workflows this very
// worker serves: a local activity waiting on them holds the sweep's workflow task open, and under
// load those tasks timed out and were replayed (bench/RESULTS.md, the usage ledger).
import type { UserUsage } from '../../policy/usage';
import type { ReadLedgerInput, WriteLedgerInput } from '../sweepTypes';
import type { ActivityDeps } from './deps';
import { asActivityFailure } from './failures';

export function createLedgerActivities(deps: ActivityDeps) {
  const ledger = () => {
    if (!deps.ledger) throw new Error('the policy has budgets but this worker has no usage ledger');
    return deps.ledger;
  };

  async function readLedger(input: ReadLedgerInput): Promise<UserUsage[]> {
    return ledger().read(input.cluster, input.users).catch(asActivityFailure);
  }

  async function writeLedger(input: WriteLedgerInput): Promise<void> {
    const now = (deps.now?.() ?? new Date()).toISOString();
    await ledger()
      .record(input.cluster, { usage: input.usage, retainMs: input.retainMs, now })
      .catch(asActivityFailure);
  }

  return { readLedger, writeLedger };
}
