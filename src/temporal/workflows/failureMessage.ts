// The human message inside a Temporal failure chain: an activity's or child's ApplicationFailure
// carries Teleport's message, which is what status and decisions should show.
// Workflow code: pure.
import { TemporalFailure } from '@temporalio/workflow';

export function failureMessage(err: unknown): string {
  let current: unknown = err;
  // The innermost cause is the one with the real reason (activity -> application failure).
  while (current instanceof TemporalFailure && current.cause) current = current.cause;
  return current instanceof Error ? current.message : String(current);
}
