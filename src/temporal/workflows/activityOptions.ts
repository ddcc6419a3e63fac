// Timeouts and retry policies of every activity the sweep runs, in one place. Teleport errors
// that cannot succeed on retry (AccessDenied, BadParameter, ...) arrive as non-retryable failures
// from the activities themselves, so the policies here only bound the retrying ones.
import type { ActivityOptions, LocalActivityOptions } from '@temporalio/workflow';

/** Reading the cluster: worth retrying for a while, the next sweep tries again anyway. */
export const READ_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '2 minutes',
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '15s',
    maximumAttempts: 6,
  },
};

/** Judging a pending request, as a local activity: pure, so only a crash would make it fail. */
export const JUDGE_OPTIONS: LocalActivityOptions = {
  startToCloseTimeout: '10s',
  retry: { initialInterval: '200ms', backoffCoefficient: 2, maximumAttempts: 5 },
};

/** Evaluating a user reads Teleport: two short calls, retried through brief outages. */
export const EVALUATE_OPTIONS: LocalActivityOptions = {
  startToCloseTimeout: '30s',
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumAttempts: 5 },
};

/**
 * Approve, deny, lock: idempotent, so retrying through an outage is safe. Every wait between
 * attempts stays under the local retry threshold (1 minute by default), so retries happen in the
 * worker and add no history events: a page of 500 actions retrying through an outage would
 * otherwise write a marker and a timer per action and attempt.
 */
export const ACTION_OPTIONS: LocalActivityOptions = {
  startToCloseTimeout: '30s',
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '20s',
    maximumAttempts: 10,
  },
};
