// The lock methods of the simulated AuthService. UpsertLock records who locked (CreatedBy = the
// caller unless the lock names someone) as Teleport does; matching and expiry rules stay in
// lockRules.ts and the store.
import { lockTargetFromWire } from '../../src/teleport/convert';
import type { AuthServiceHandlers } from '../../src/teleport/generated/proto/AuthService';
import type { DeleteLockRequest__Output } from '../../src/teleport/generated/proto/DeleteLockRequest';
import type { GetLockRequest__Output } from '../../src/teleport/generated/proto/GetLockRequest';
import type { GetLocksRequest__Output } from '../../src/teleport/generated/proto/GetLocksRequest';
import type { LockV2__Output } from '../../src/teleport/generated/types/LockV2';
import { lockFromWire, lockToWire } from './convert';
import { badParameter, notFound } from './errors';
import { unary, type HandlerContext } from './handlerContext';

type LockHandlers = Pick<AuthServiceHandlers, 'UpsertLock' | 'GetLocks' | 'GetLock' | 'DeleteLock'>;

export function lockHandlers(ctx: HandlerContext): LockHandlers {
  const { store, authorizer } = ctx;
  return {
    UpsertLock: unary(ctx, 'UpsertLock', (req: LockV2__Output, caller) => {
      authorizer.require(caller, 'lock', 'create', 'update');
      const lock = lockFromWire(req);
      store.upsertLock({ ...lock, createdBy: lock.createdBy ?? caller.user });
      return {};
    }),

    GetLocks: unary(ctx, 'GetLocks', (req: GetLocksRequest__Output, caller) => {
      authorizer.require(caller, 'lock', 'list', 'read');
      const locks = store.viewLocks({
        targets: (req.Targets ?? []).map((t) => lockTargetFromWire(t)),
        inForceOnly: req.InForceOnly ?? false,
      });
      return { Locks: locks.map(lockToWire) };
    }),

    GetLock: unary(ctx, 'GetLock', (req: GetLockRequest__Output, caller) => {
      authorizer.require(caller, 'lock', 'read');
      if (!req.Name) throw badParameter('missing lock name');
      const lock = store.getLock(req.Name);
      if (!lock) throw notFound(`lock "${req.Name}" is not found`);
      return lockToWire(lock);
    }),

    DeleteLock: unary(ctx, 'DeleteLock', (req: DeleteLockRequest__Output, caller) => {
      authorizer.require(caller, 'lock', 'delete');
      if (!req.Name) throw badParameter('missing lock name');
      store.deleteLock(req.Name);
      return {};
    }),
  };
}
