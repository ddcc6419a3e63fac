// One shard of the usage ledger (names.ts: users are spread over LEDGER_SHARDS of these per
// cluster): the access each user held, kept after Teleport forgets the requests, so budgets can
// count hours and grants over their windows. Sweeps write what they observed through an update
// (confirmed once applied, so the next read sees it) and read through another (ledgerMessages.ts
// says why not by query). It runs until the cluster's watcher is gone; its state is bounded by
// the longest budget window.
// Workflow code: deterministic, no I/O.
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { bookSize, mergeWrite, readUsers, type LedgerBook } from './ledgerBook';
import {
  checkUsageRead,
  checkUsageWrite,
  ledgerSizeQuery,
  readUsageUpdate,
  recordUsageUpdate,
  usageQuery,
} from './ledgerMessages';

export interface LedgerInput {
  cluster: string;
  shard: number;
  /** Carried by continue-as-new; absent at first start. */
  book?: LedgerBook;
  /** Continue as new after this many history events (default 2,000); tests lower it. */
  continueAsNewAfterEvents?: number;
}

/**
 * Each read and write is an update (a few events); well before Temporal's 10,240-event warning.
 * Reads' results are in the history too: a large shard continues as new when the server suggests
 * it for size.
 */
const DEFAULT_MAX_HISTORY_EVENTS = 2_000;

export async function ledger(input: LedgerInput): Promise<never> {
  let book: LedgerBook = input.book ?? {};
  setHandler(
    recordUsageUpdate,
    (write) => {
      book = mergeWrite(book, write);
    },
    { validator: refusing(checkUsageWrite) },
  );
  const read = (users: string[] | undefined) => readUsers(book, users ?? Object.keys(book).sort());
  setHandler(readUsageUpdate, ({ users }) => read(users), { validator: refusing(checkUsageRead) });
  setHandler(usageQuery, read);
  setHandler(ledgerSizeQuery, () => bookSize(book));

  const limit = input.continueAsNewAfterEvents ?? DEFAULT_MAX_HISTORY_EVENTS;
  await condition(() => {
    const info = workflowInfo();
    return info.continueAsNewSuggested || info.historyLength > limit;
  });
  await condition(allHandlersFinished);
  return continueAsNew<typeof ledger>({ ...input, book });
}

/** An update validator from a check: a problem refuses the update, with the check's line. */
function refusing(check: (input: unknown) => string | undefined): (input: unknown) => void {
  return (input) => {
    const problem = check(input);
    if (problem) throw new Error(problem);
  };
}
