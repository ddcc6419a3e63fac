// Makes every decision of a sweep run findable by user and request (`jit-watcher decisions`, the
// Web UI's `JitUsers = 'alice'`), however many the run made. The run's own search attributes take
// the first chunk; each further chunk goes on a `decisionIndex` child that does nothing but carry
// it (its parent is the run whose history holds the decisions). Workflow code: no I/O.
import {
  executeChild,
  ParentClosePolicy,
  patched,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { SearchAttributePair } from '@temporalio/common';
import { JIT_ACTIONS, JIT_DRY_RUN, JIT_REQUEST_IDS, JIT_USERS } from '../searchAttributes';
import { indexChunks, type IndexChunk, type IndexEntry } from './keywords';

/** Sweep runs from before this change published one capped chunk and started no index child. */
const INDEX_CHILDREN_PATCH = 'decision-index-children';

/** The index workflow: its search attributes are its whole purpose; it completes at once. */
export async function decisionIndex(): Promise<void> {
  // Nothing to do: the attributes were set when the sweep started it.
}

/**
 * Publishes this run's decisions on the run itself and, past one chunk, on index children.
 * `valueLimit`: the server's cap on one search attribute value, when known to be above the default.
 */
export async function publishDecisionIndex(
  entries: IndexEntry[],
  run: number,
  valueLimit?: number,
): Promise<void> {
  const [own, ...rest] = indexChunks(entries, valueLimit);
  if (!own) return;
  upsertSearchAttributes(attributes(own));
  if (rest.length === 0 || !patched(INDEX_CHILDREN_PATCH)) return;
  const sweepId = workflowInfo().workflowId;
  // Started together, each with its chunk, and awaited to the end: a child's completion arriving
  // as the run continues as new would fail that workflow task (UnhandledCommand), and replaying
  // a large run to retry it can outlast the task timeout, again and again.
  await Promise.all(
    rest.map((chunk, i) =>
      executeChild(decisionIndex, {
        workflowId: `${sweepId}/index/${run}-${i + 1}`,
        parentClosePolicy: ParentClosePolicy.ABANDON,
        typedSearchAttributes: attributes(chunk),
        staticSummary: `index of run ${run} of ${sweepId}: ${chunk.requestIds.length} requests, ${chunk.users.length} users`,
      }),
    ),
  );
}

function attributes(chunk: IndexChunk): SearchAttributePair[] {
  return [
    { key: JIT_USERS, value: chunk.users },
    { key: JIT_REQUEST_IDS, value: chunk.requestIds },
    { key: JIT_ACTIONS, value: chunk.actions },
    { key: JIT_DRY_RUN, value: chunk.dryRun },
  ];
}
