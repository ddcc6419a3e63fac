// Turns Teleport errors into Temporal failures: the error kind becomes the failure type, and only
// kinds that may succeed later are retried. Stack traces and wire details stay out of history.
import { ApplicationFailure } from '@temporalio/common';
import { TeleportError } from '../../teleport/errors';

export function toActivityFailure(err: unknown): Error {
  if (err instanceof TeleportError) {
    return ApplicationFailure.create({
      message: err.message,
      type: err.kind,
      nonRetryable: !err.retryable,
    });
  }
  return err instanceof Error ? err : new Error(String(err));
}

/** For `.catch()`: rethrows as an activity failure. */
export function asActivityFailure(err: unknown): never {
  throw toActivityFailure(err);
}
