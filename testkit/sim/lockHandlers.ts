// The lock methods of the simulated AuthService. UpsertLock records who locked (CreatedBy = the
// caller unless the lock names someone) as Teleport does; matching and expiry rules stay in
// lockRules.ts and the store.
import type * as grpc from '@grpc/grpc-js';
import { badParameter, notFound } from './errors';
import { unary, type HandlerContext } from './handlerContext';
import { targetFromWire } from './lockRules';
import { lockFromWire, lockToWire, type WireLock } from './wire';

interface GetLocksRequest {
  Targets?: Array<Record<string, string>>;
  InForceOnly?: boolean;
}

export function lockHandlers(ctx: HandlerContext): grpc.UntypedServiceImplementation {
  const { store, authorizer } = ctx;
  return {
    UpsertLock: unary(ctx, 'UpsertLock', (req: WireLock, caller) => {
      authorizer.require(caller, 'lock', 'create', 'update');
      const lock = lockFromWire(req);
      store.upsertLock({ ...lock, createdBy: lock.createdBy ?? caller.user });
      return {};
    }),

    GetLocks: unary(ctx, 'GetLocks', (req: GetLocksRequest, caller) => {
      authorizer.require(caller, 'lock', 'list', 'read');
      const locks = store.viewLocks({
        targets: (req.Targets ?? []).map((t) => targetFromWire(t)),
        inForceOnly: req.InForceOnly ?? false,
      });
      return { Locks: locks.map(lockToWire) };
    }),

    GetLock: unary(ctx, 'GetLock', (req: { Name?: string }, caller) => {
      authorizer.require(caller, 'lock', 'read');
      if (!req.Name) throw badParameter('missing lock name');
      const lock = store.getLock(req.Name);
      if (!lock) throw notFound(`lock "${req.Name}" is not found`);
      return lockToWire(lock);
    }),

    DeleteLock: unary(ctx, 'DeleteLock', (req: { Name?: string }, caller) => {
      authorizer.require(caller, 'lock', 'delete');
      if (!req.Name) throw badParameter('missing lock name');
      store.deleteLock(req.Name);
      return {};
    }),
  };
}
