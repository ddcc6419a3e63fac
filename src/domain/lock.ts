// A Teleport lock as plain data. jit-watcher only creates locks that target an access request,
// but reads every kind, because a lock by someone else also takes a request out of force.

/** What a lock applies to; every field that is set must match. */
export interface LockTarget {
  user?: string;
  role?: string;
  login?: string;
  node?: string;
  mfaDevice?: string;
  windowsDesktop?: string;
  accessRequest?: string;
  device?: string;
  serverId?: string;
  botInstanceId?: string;
  joinToken?: string;
}

/** Every LockTarget field, in Teleport's field order: the one list the adapters, the snapshot
 *  reader and the simulator walk (each maps the names its format uses from it). */
export const LOCK_TARGET_KEYS = [
  'user',
  'role',
  'login',
  'node',
  'mfaDevice',
  'windowsDesktop',
  'accessRequest',
  'device',
  'serverId',
  'botInstanceId',
  'joinToken',
] as const satisfies readonly (keyof LockTarget)[];

export interface Lock {
  name: string;
  target: LockTarget;
  message?: string;
  /** Undefined means the lock never expires. */
  expires?: Date;
  createdAt?: Date;
  createdBy?: string;
}

/** A lock is in force until its expiry; one without an expiry is in force forever. */
export function lockInForce(lock: Lock, now: Date): boolean {
  return lock.expires === undefined || lock.expires.getTime() > now.getTime();
}
