// Reading and writing the usage ledger for a sweep, as regular activities: a chunk of the sweep's
// users read before their evaluations, what those evaluations observed written after them. Kept
// out of the evaluations (local activities) because the ledger's shards are workflows this very
// worker serves: a local activity waiting on them holds the sweep's workflow task open, and under
// load those tasks timed out and were replayed (bench/RESULTS.md, the usage ledger).
import { Context } from '@temporalio/activity';
import type { UserUsage } from '../../policy/usage';
import type { CallBound } from '../usageLedger';
import type { ReadLedgerInput, WriteLedgerInput } from '../sweepTypes';
import type { ActivityDeps } from './deps';
import { asActivityFailure } from './failures';

export function createLedgerActivities(deps: ActivityDeps) {
  const ledger = () => {
    if (!deps.ledger) throw new Error('the policy has budgets but this worker has no usage ledger');
    return deps.ledger;
  };

  async function readLedger(input: ReadLedgerInput): Promise<UserUsage[]> {
    return ledger().read(input.cluster, input.users, thisAttempt()).catch(asActivityFailure);
  }

  async function writeLedger(input: WriteLedgerInput): Promise<void> {
    const now = (deps.now?.() ?? new Date()).toISOString();
    await ledger()
      .record(input.cluster, { usage: input.usage, retainMs: input.retainMs, now }, thisAttempt())
      .catch(asActivityFailure);
  }

  return { readLedger, writeLedger };
}

/** Left of an attempt's start-to-close timeout when its calls give up: time to fail in one line. */
const DEADLINE_MARGIN_MS = 5_000;

/**
 * The bound of this attempt's calls to the ledger's shards: they end when the attempt is cancelled
 * (a worker's drain cancels it after its grace time) and before the server would time it out, so
 * a shard that does not answer fails the attempt, to be retried, instead of holding the worker.
 */
function thisAttempt(): CallBound {
  const { cancellationSignal, info } = Context.current();
  const timeoutMs = info.startToCloseTimeoutMs;
  const deadline = new Date(Date.now() + Math.max(timeoutMs - DEADLINE_MARGIN_MS, timeoutMs / 2));
  return { signal: cancellationSignal, deadline };
}
