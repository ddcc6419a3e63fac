// Teleport's error kinds (gravitational/trace) as the simulated cluster raises them, and their
// gRPC status codes. The mapping and the human messages are what clients branch on, so they must
// match the fact sheet; never invent a kind Teleport does not have.
import * as grpc from '@grpc/grpc-js';

export type SimErrorKind =
  | 'AccessDenied'
  | 'AlreadyExists'
  | 'BadParameter'
  | 'CompareFailed'
  | 'ConnectionProblem'
  | 'LimitExceeded'
  | 'NotFound'
  | 'NotImplemented';

const CODE_BY_KIND: Record<SimErrorKind, grpc.status> = {
  AccessDenied: grpc.status.PERMISSION_DENIED,
  AlreadyExists: grpc.status.ALREADY_EXISTS,
  BadParameter: grpc.status.INVALID_ARGUMENT,
  CompareFailed: grpc.status.FAILED_PRECONDITION,
  ConnectionProblem: grpc.status.UNAVAILABLE,
  LimitExceeded: grpc.status.RESOURCE_EXHAUSTED,
  NotFound: grpc.status.NOT_FOUND,
  NotImplemented: grpc.status.UNIMPLEMENTED,
};

/** A Teleport-style error: the kind decides the gRPC code, the message is sent as is. */
export class SimError extends Error {
  constructor(
    readonly kind: SimErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'SimError';
  }
}

/** A raw gRPC status, for failures that have no Teleport kind (injected faults). */
export class StatusError extends Error {
  constructor(
    readonly code: grpc.status,
    message: string,
  ) {
    super(message);
    this.name = 'StatusError';
  }
}

export const accessDenied = (message: string) => new SimError('AccessDenied', message);
export const badParameter = (message: string) => new SimError('BadParameter', message);
export const notFound = (message: string) => new SimError('NotFound', message);
export const alreadyExists = (message: string) => new SimError('AlreadyExists', message);

function grpcCodeOf(kind: SimErrorKind): grpc.status {
  return CODE_BY_KIND[kind];
}

/**
 * The status a handler sends for any thrown value. Unexpected errors become UNKNOWN with their
 * message, as a Go server's untyped errors do, so a sim bug is visible instead of masked.
 */
export function toServiceError(err: unknown): Partial<grpc.ServiceError> {
  if (err instanceof SimError) {
    return { code: grpcCodeOf(err.kind), details: err.message, message: err.message };
  }
  if (err instanceof StatusError) {
    return { code: err.code, details: err.message, message: err.message };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { code: grpc.status.UNKNOWN, details: message, message };
}
