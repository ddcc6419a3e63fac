// WatchEvents for the simulated AuthService: INIT first, then every committed change the
// caller's kinds and filters select, in commit order, until the client leaves, a fault drops the
// stream or the server stops. Never buffers or reorders: it writes inside the store's commit.
import * as grpc from '@grpc/grpc-js';
import type { Caller } from './callerIdentity';
import { badParameter, SimError, StatusError } from './errors';
import { endWithError, serverStream, type HandlerContext } from './handlerContext';
import { targetFromFilter, targetIsEmpty, targetMatchesLock } from './lockRules';
import { REQUEST_STATES } from '../../src/domain/accessRequest';
import type { StoreEvent } from './model';
import { requestMatches, type RequestQuery } from './requestQuery';
import { lockToWire, requestToWire, resourceHeader } from './convert';
import type { AuthServiceHandlers } from '../../src/teleport/generated/proto/AuthService';
import type { Event } from '../../src/teleport/generated/proto/Event';
import type { WatchKind__Output } from '../../src/teleport/generated/types/WatchKind';

type Matcher = (event: StoreEvent) => boolean;

/** A kind the caller may not watch, or one this cluster cannot: dropped under partial success. */
class Unwatchable extends SimError {}

/** AccessRequestFilter.FromMap: only id, user and state; anything else is a client bug. */
function requestFilter(filter: Record<string, string>): RequestQuery {
  const query: RequestQuery = {};
  for (const [key, value] of Object.entries(filter)) {
    if (key === 'id') query.id = value;
    else if (key === 'user') query.user = value;
    else if (key === 'state') {
      const state = REQUEST_STATES.find((s) => s === value);
      if (!state) throw badParameter(`unknown request state: "${value}"`);
      query.state = state;
    } else throw badParameter(`unknown filter key ${key}`);
  }
  return query;
}

function requireWatchable(check: () => void): void {
  try {
    check();
  } catch (err) {
    if (err instanceof SimError) throw new Unwatchable(err.kind, err.message);
    throw err;
  }
}

function compileKind(ctx: HandlerContext, caller: Caller, kind: WatchKind__Output): Matcher {
  const filter = kind.Filter ?? {};
  const named = (name: string) => !kind.Name || kind.Name === name;
  if (kind.Kind === 'access_request') {
    const query = requestFilter(filter);
    // Watching only your own requests needs no rule, others' needs read (not list), as in
    // lib/auth/auth_with_roles.go hasWatchPermissionForKind.
    const ownOnly = query.user !== undefined && query.user === caller.user;
    if (!ownOnly) requireWatchable(() => ctx.authorizer.require(caller, 'access_request', 'read'));
    return (e) =>
      e.kind === 'access_request' &&
      (e.type === 'put'
        ? named(e.request.id) && requestMatches(e.request, query)
        : named(e.name) && (!query.id || query.id === e.name));
  }
  if (kind.Kind === 'lock') {
    requireWatchable(() => ctx.authorizer.require(caller, 'lock', 'read'));
    const target = targetFromFilter(filter);
    return (e) =>
      e.kind === 'lock' &&
      (e.type === 'put'
        ? named(e.lock.name) && (targetIsEmpty(target) || targetMatchesLock(target, e.lock.target))
        : named(e.name));
  }
  throw new Unwatchable(
    'BadParameter',
    `cache "auth" does not support watching resource "${kind.Kind ?? ''}"`,
  );
}

function toWireEvent(event: StoreEvent): Event {
  if (event.type === 'delete') {
    return { Type: 'DELETE', ResourceHeader: resourceHeader(event.kind, event.name) };
  }
  return event.kind === 'access_request'
    ? { Type: 'PUT', AccessRequest: requestToWire(event.request) }
    : { Type: 'PUT', Lock: lockToWire(event.lock) };
}

/** Open watch streams, so the server can end them all when it stops. */
export class WatchStreams {
  private readonly closers = new Set<(err: unknown) => void>();

  add(close: (err: unknown) => void): () => void {
    this.closers.add(close);
    return () => this.closers.delete(close);
  }

  get size(): number {
    return this.closers.size;
  }

  closeAll(err: unknown): void {
    for (const close of [...this.closers]) close(err);
  }
}

export function watchHandler(
  ctx: HandlerContext,
  streams: WatchStreams,
): AuthServiceHandlers['WatchEvents'] {
  return serverStream(
    ctx,
    'WatchEvents',
    (call: Parameters<AuthServiceHandlers['WatchEvents']>[0], caller) => {
      const kinds = call.request.Kinds ?? [];
      if (kinds.length === 0) throw badParameter('global watches are not supported yet');
      const accepted: WatchKind__Output[] = [];
      const matchers: Matcher[] = [];
      for (const kind of kinds) {
        try {
          matchers.push(compileKind(ctx, caller, kind));
          accepted.push(kind);
        } catch (err) {
          if (!(err instanceof Unwatchable) || !call.request.AllowPartialSuccess) throw err;
        }
      }
      if (matchers.length === 0) throw badParameter('none of the requested kinds can be watched');
      // The client may have left during injected latency; subscribing then would leak.
      if (call.cancelled) return;

      call.write({
        Type: 'INIT',
        WatchStatus: {
          Kind: 'watch_status',
          Version: 'v1',
          Metadata: { Name: 'watch_status' },
          Spec: { Kinds: accepted },
        },
      });
      const unsubscribe = ctx.store.subscribe((event) => {
        if (matchers.some((m) => m(event))) call.write(toWireEvent(event));
      });
      const cleanup = () => {
        unsubscribe();
        offDrop();
        offStop();
      };
      const close = (err: unknown) => {
        cleanup();
        endWithError(call, err);
      };
      const offDrop = ctx.faults.onDropStreams((reason) =>
        close(new StatusError(grpc.status.UNAVAILABLE, reason)),
      );
      const offStop = streams.add(close);
      call.on('cancelled', cleanup);
      call.on('close', cleanup);
    },
  );
}
