// Turns Teleport errors into Temporal failures: the error kind becomes the failure type, and only
// kinds that may succeed later are retried. Stack traces and wire details stay out of history.
import { ApplicationFailure } from '@temporalio/common';
import { TeleportError } from '../../teleport/errors';

/** `about` names what failed (e.g. the decision acted on), for readers of the history. */
export function toActivityFailure(err: unknown, about?: Record<string, string>): Error {
  const details = about ? [about] : undefined;
  if (err instanceof TeleportError) {
    return ApplicationFailure.create({
      message: err.message,
      type: err.kind,
      nonRetryable: !err.retryable,
      details,
    });
  }
  const error = err instanceof Error ? err : new Error(String(err));
  return details
    ? ApplicationFailure.create({ message: error.message, type: error.name, details })
    : error;
}

/** For `.catch()`: rethrows as an activity failure. */
export function asActivityFailure(err: unknown): never {
  throw toActivityFailure(err);
}
