// The figures of one workflow's histories (all its runs) that the benchmarks report: runs, events,
// the largest payload and the largest workflow task (what one task completion wrote, which the
// server refuses past 4 MiB). Shared by the sweep and backtest benchmarks.
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { waitFor } from '../src/util/waitFor';

export async function historyFigures(
  client: Client,
  workflowId: string,
): Promise<{ runs: number; events: number; largest: number; largestTask: number }> {
  let runs = 0;
  let events = 0;
  let largest = 0;
  let largestTask = 0;
  const query = `WorkflowId = '${workflowId}'`;
  await waitFor(async () => (await client.workflow.count(query)).count > 0, {
    what: 'visibility',
  });
  for await (const run of client.workflow.list({ query })) {
    runs += 1;
    const history = await client.workflow.getHandle(run.workflowId, run.runId).fetchHistory();
    for (const event of history.events ?? []) {
      events += 1;
      largest = Math.max(largest, largestPayload(event));
    }
    largestTask = Math.max(largestTask, largestTaskBytes(history.events ?? []));
  }
  return { runs, events, largest, largestTask };
}

/**
 * The most history one workflow task's completion wrote: the events from a WorkflowTaskCompleted
 * to the next WorkflowTaskScheduled, local activity markers mostly. The worker sends all of it in
 * one message, which the server refuses past 4 MiB.
 */
function largestTaskBytes(events: temporal.api.history.v1.IHistoryEvent[]): number {
  const { EventType } = temporal.api.enums.v1;
  let largest = 0;
  let task: number | undefined;
  for (const event of events) {
    if (event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) task = 0;
    else if (event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED) task = undefined;
    else if (task !== undefined) {
      task += temporal.api.history.v1.HistoryEvent.encode(event).finish().length;
      largest = Math.max(largest, task);
    }
  }
  return largest;
}

function largestPayload(event: temporal.api.history.v1.IHistoryEvent): number {
  const groups = [
    event.workflowExecutionStartedEventAttributes?.input,
    event.activityTaskScheduledEventAttributes?.input,
    event.activityTaskCompletedEventAttributes?.result,
    event.workflowExecutionCompletedEventAttributes?.result,
    event.workflowExecutionContinuedAsNewEventAttributes?.input,
    // A local activity's result, in its marker.
    ...Object.values(event.markerRecordedEventAttributes?.details ?? {}),
  ];
  let max = 0;
  for (const group of groups)
    for (const p of group?.payloads ?? []) max = Math.max(max, p.data?.length ?? 0);
  return max;
}
