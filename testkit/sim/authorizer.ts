// Caller checks the simulated Auth server makes before touching the store, after Teleport's
// ServerWithRoles: resource rules, the review option, and locks that cover the caller's own
// identity. Only decides; never changes state.
import type { LockTarget } from '../../src/domain/lock';
import { accessDenied } from './errors';
import { isIdentityField, type IndexKey } from './lockIndex';
import type { Caller } from './callerIdentity';
import { lockInForceMessage } from './lockRules';
import type { SimThreshold } from './model';
import {
  allows,
  mayRequest,
  mayReview,
  requestThresholds,
  type RoleRegistry,
  type Verb,
} from './roles';
import type { SimStore } from './store';

/** A lock binds API callers only when every field it sets is one an identity carries. */
function bindsCallers(target: LockTarget): boolean {
  return Object.entries(target).every(([field, value]) => !value || isIdentityField(field));
}

export class Authorizer {
  constructor(
    private readonly store: SimStore,
    private readonly roles: RoleRegistry,
  ) {}

  can(caller: Caller, kind: string, ...verbs: Verb[]): boolean {
    return verbs.every((verb) => allows(this.roles, caller.roles, kind, verb));
  }

  /** Refuses with Teleport's message naming the first verb the caller lacks. */
  require(caller: Caller, kind: string, ...verbs: Verb[]): void {
    for (const verb of verbs) {
      if (!allows(this.roles, caller.roles, kind, verb)) {
        throw accessDenied(`access denied to perform action "${verb}" on "${kind}"`);
      }
    }
  }

  requireReviewer(caller: Caller): void {
    if (!mayReview(this.roles, caller.roles)) {
      throw accessDenied(`user "${caller.user}" cannot submit reviews`);
    }
  }

  mayRequest(caller: Caller): boolean {
    return mayRequest(this.roles, caller.roles);
  }

  /** The review thresholds the caller's roles put on the requests it creates. */
  thresholdsOf(caller: Caller): SimThreshold[] {
    return requestThresholds(this.roles, caller.roles);
  }

  /**
   * A lock on the caller's user, one of its roles or one of its active access requests takes
   * the whole identity out of service, as Teleport's lock enforcement does.
   */
  requireNotLocked(caller: Caller): void {
    const keys: IndexKey[] = [
      ['user', caller.user],
      ...caller.roles.map((role): IndexKey => ['role', role]),
      ...caller.activeRequests.map((id): IndexKey => ['accessRequest', id]),
    ];
    const lock = this.store.findLockInForce(keys, ({ target: t }) => {
      // Locks that also name a node, login, device... bind sessions, not API calls.
      if (!bindsCallers(t)) return false;
      return (
        (!t.user || t.user === caller.user) &&
        (!t.role || caller.roles.includes(t.role)) &&
        (!t.accessRequest || caller.activeRequests.includes(t.accessRequest))
      );
    });
    if (lock) throw accessDenied(lockInForceMessage(lock));
  }
}
