// What every AuthService handler of the simulated server shares, and the wrappers that give each
// call the same prologue: injected faults, client version, caller identity from the certificate,
// lock enforcement. A handler body never sees an unauthenticated call and never sends a status
// itself: it returns or throws, and the wrapper answers.
import * as grpc from '@grpc/grpc-js';
import type { Authorizer } from './authorizer';
import { callerOf, type Caller } from './callerIdentity';
import { badParameter, toServiceError } from './errors';
import type { AuthMethod, Faults } from './faults';
import type { SimStore } from './store';

export interface HandlerContext {
  clusterName: string;
  serverVersion: string;
  store: SimStore;
  authorizer: Authorizer;
  faults: Faults;
  /** False imitates Teleport before 14.3: ListAccessRequests is UNIMPLEMENTED. */
  listAccessRequests: boolean;
}

/** Teleport's Go client sends its version; a value that is not a version is refused. */
const VERSION_PATTERN = /^v?\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?$/;

type AnyCall = grpc.ServerUnaryCall<unknown, unknown> | grpc.ServerWritableStream<unknown, unknown>;

async function prologue(ctx: HandlerContext, method: AuthMethod, call: AnyCall): Promise<Caller> {
  await ctx.faults.beforeCall(method);
  const version = call.metadata.get('version')[0];
  if (version !== undefined && !VERSION_PATTERN.test(String(version))) {
    throw badParameter(`invalid client version "${String(version)}"`);
  }
  const caller = callerOf(call);
  ctx.authorizer.requireNotLocked(caller);
  return caller;
}

export function unary<Req, Res>(
  ctx: HandlerContext,
  method: AuthMethod,
  body: (request: Req, caller: Caller, call: grpc.ServerUnaryCall<Req, Res>) => Res | Promise<Res>,
): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    const run = async () => {
      const caller = await prologue(ctx, method, call);
      return body(call.request, caller, call);
    };
    run().then(
      (response) => callback(null, response),
      (err: unknown) => callback(toServiceError(err)),
    );
  };
}

/**
 * A server-streaming handler. The body writes and either ends the stream itself or leaves it
 * open (WatchEvents); a throw ends it with the error's status.
 */
export function serverStream<Req, Res>(
  ctx: HandlerContext,
  method: AuthMethod,
  body: (call: grpc.ServerWritableStream<Req, Res>, caller: Caller) => void | Promise<void>,
): grpc.handleServerStreamingCall<Req, Res> {
  return (call) => {
    const run = async () => {
      const caller = await prologue(ctx, method, call);
      await body(call, caller);
    };
    run().catch((err: unknown) => endWithError(call, err));
  };
}

/** Ends a server stream with the status for `err`; a no-op once the stream is over. */
export function endWithError(
  call: grpc.ServerWritableStream<unknown, unknown>,
  err: unknown,
): void {
  if (call.cancelled || call.writableEnded || call.destroyed) return;
  call.emit('error', toServiceError(err));
}
