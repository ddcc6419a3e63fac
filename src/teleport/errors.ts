// Turns gRPC failures into Teleport's error kinds (trace.NotFound, trace.AccessDenied, ...), and
// decides in this one place which kinds are worth retrying. The message is Teleport's own human
// message; callers branch on `kind`, never on message text.
import { status, type ServiceError } from '@grpc/grpc-js';

export type TeleportErrorKind =
  | 'NotFound'
  | 'AlreadyExists'
  | 'AccessDenied'
  | 'BadParameter'
  | 'CompareFailed'
  | 'ConnectionProblem'
  | 'LimitExceeded'
  | 'NotImplemented'
  | 'Cancelled'
  | 'Unknown';

const KIND_BY_CODE: Partial<Record<status, TeleportErrorKind>> = {
  [status.NOT_FOUND]: 'NotFound',
  [status.ALREADY_EXISTS]: 'AlreadyExists',
  [status.PERMISSION_DENIED]: 'AccessDenied',
  [status.UNAUTHENTICATED]: 'AccessDenied',
  [status.INVALID_ARGUMENT]: 'BadParameter',
  [status.FAILED_PRECONDITION]: 'CompareFailed',
  [status.UNAVAILABLE]: 'ConnectionProblem',
  [status.DEADLINE_EXCEEDED]: 'ConnectionProblem',
  [status.RESOURCE_EXHAUSTED]: 'LimitExceeded',
  [status.UNIMPLEMENTED]: 'NotImplemented',
  [status.CANCELLED]: 'Cancelled',
};

/** Kinds where the same call may succeed later: the network, contention, rate limits. */
const RETRYABLE: ReadonlySet<TeleportErrorKind> = new Set([
  'ConnectionProblem',
  'CompareFailed',
  'LimitExceeded',
  'Unknown',
]);

export class TeleportError extends Error {
  override name = 'TeleportError';
  constructor(
    readonly kind: TeleportErrorKind,
    message: string,
    readonly method?: string,
  ) {
    super(message);
  }
  get retryable(): boolean {
    return RETRYABLE.has(this.kind);
  }
}

export function isTeleportError(err: unknown, kind?: TeleportErrorKind): err is TeleportError {
  return err instanceof TeleportError && (kind === undefined || err.kind === kind);
}

function isServiceError(err: unknown): err is ServiceError {
  return err instanceof Error && typeof (err as Partial<ServiceError>).code === 'number';
}

/**
 * Wraps a gRPC failure. `transportHint` explains a dropped connection (for example the TLS error
 * the bridge saw), because grpc-js alone only reports "Connection dropped".
 */
export function fromGrpcError(err: unknown, method: string, transportHint?: string): TeleportError {
  if (err instanceof TeleportError) return err;
  if (!isServiceError(err)) {
    return new TeleportError('Unknown', err instanceof Error ? err.message : String(err), method);
  }
  const kind = KIND_BY_CODE[err.code] ?? 'Unknown';
  let message = err.details || err.message;
  if (kind === 'ConnectionProblem' && transportHint) message = `${message}: ${transportHint}`;
  return new TeleportError(kind, message, method);
}
