// The simulated Auth backend: access requests and locks in memory, with Teleport's state rules,
// expiry and an ordered change feed for WatchEvents. Admin operations here bypass RBAC (the
// server checks callers); tests use them directly. Records are replaced, never mutated in place,
// and callers only ever get copies.
import { randomInt } from 'node:crypto';
import type { Lock, LockTarget } from '../../src/domain/lock';
import { systemNow, type Now } from './clock';
import { alreadyExists, badParameter, notFound } from './errors';
import { EventBus, type StoreListener } from './eventBus';
import { ExpiryTimer } from './expiryTimer';
import { LockIndex, lookupKey, type IndexKey } from './lockIndex';
import { lockInForce } from '../../src/domain/lock';
import { checkLockTarget, lockSelected } from './lockRules';
import type { SimAccessRequest, SimLock } from './model';
import { requestMatches, type RequestQuery } from './requestQuery';
import {
  applyReview,
  applyStateChange,
  buildRequest,
  checkStateChange,
  requestExpired,
  type NewRequest,
  type RequestDefaults,
  type ReviewInput,
  type StateChange,
} from './requestRules';

export type { NewRequest };

/** Teleport deletes a pending request about an hour after creation. */
export const DEFAULT_PENDING_TTL_MS = 60 * 60 * 1000;
/** A tsh login certificate lives 12 h; a request's access cannot outlive it. */
export const DEFAULT_ACCESS_TTL_MS = 12 * 60 * 60 * 1000;

export interface StoreOptions {
  now?: Now;
  pendingTtlMs?: number;
  accessTtlMs?: number;
  /** Roles a resource request is given when it names none (Teleport derives them from RBAC). */
  resourceRequestRoles?: string[];
}

/**
 * What an upsert gives: a lock as Teleport's API carries it (the store adds the revision), with
 * its Metadata.Expires, when the backend deletes it.
 */
export type NewLock = Lock & { resourceExpires?: Date; expiresSubMsNanos?: number };

export interface LockQuery {
  targets?: LockTarget[];
  inForceOnly?: boolean;
}

export class SimStore {
  private readonly requests = new Map<string, SimAccessRequest>();
  private readonly locks = new LockIndex();
  /** Request ids by user: per-user reads are the watcher's other hot path. */
  private readonly idsByUser = new Map<string, Set<string>>();
  private readonly bus = new EventBus();
  private readonly timer: ExpiryTimer;
  readonly now: Now;
  private readonly settings: RequestDefaults;
  /** No record expires before this (a lower bound: the exact minimum is found when it is due). */
  private nextDueMs: number | undefined;

  constructor(options: StoreOptions = {}) {
    this.now = options.now ?? systemNow;
    this.settings = {
      pendingTtlMs: options.pendingTtlMs ?? DEFAULT_PENDING_TTL_MS,
      accessTtlMs: options.accessTtlMs ?? DEFAULT_ACCESS_TTL_MS,
      resourceRequestRoles: options.resourceRequestRoles ?? ['access'],
    };
    this.timer = new ExpiryTimer(this.now, () => this.purgeExpired());
  }

  /** Changes in commit order; the listener runs synchronously inside the write. */
  subscribe(listener: StoreListener): () => void {
    return this.bus.subscribe(listener);
  }

  createRequest(input: NewRequest): SimAccessRequest {
    this.purgeExpired();
    const built = buildRequest(input, this.settings, this.now());
    // Timed by the server: give its times the nanoseconds Go's clock would (simulated).
    const serverTimed = !input.created && !input.accessExpires && !input.resourceExpires;
    const req = serverTimed ? { ...built, timeSubMsNanos: randomInt(1, 1_000_000) } : built;
    if (this.requests.has(req.id)) {
      throw alreadyExists(`access request "${req.id}" already exists`);
    }
    return input.dryRun ? req : this.putRequest(req);
  }

  getRequest(id: string): SimAccessRequest | undefined {
    this.purgeExpired();
    const req = this.requests.get(id);
    return req && structuredClone(req);
  }

  /** Every live request matching the query, oldest first. */
  listRequests(query: RequestQuery = {}): SimAccessRequest[] {
    return this.viewRequests(query).map((r) => structuredClone(r));
  }

  /**
   * The same, without copies: for the server, which converts to wire messages at once. A large
   * cluster lists in pages, and copying every request for every page would dominate its cost.
   */
  viewRequests(query: RequestQuery = {}): readonly SimAccessRequest[] {
    this.purgeExpired();
    const now = this.now();
    return this.candidates(query)
      .filter((r) => !requestExpired(r, now) && requestMatches(r, query))
      .sort((a, b) => a.created.getTime() - b.created.getTime() || (a.id < b.id ? -1 : 1));
  }

  /** Lookups by id and by user are the watcher's hot paths (it re-reads before acting): no scan. */
  private candidates(query: RequestQuery): SimAccessRequest[] {
    const byId = (id: string) => this.requests.get(id);
    if (query.id) return [byId(query.id)].filter((r) => r !== undefined);
    if (query.user) {
      return [...(this.idsByUser.get(query.user) ?? [])].map(byId).filter((r) => r !== undefined);
    }
    return [...this.requests.values()];
  }

  setState(id: string, change: StateChange): SimAccessRequest {
    checkStateChange(id, change);
    const req = this.mustGetRequest(id, `cannot set state of access request "${id}" (not found)`);
    return this.putRequest(applyStateChange(req, change));
  }

  submitReview(id: string, review: ReviewInput): SimAccessRequest {
    if (!id) throw badParameter('missing request id');
    const req = this.mustGetRequest(
      id,
      `cannot apply review to access request "${id}" (not found)`,
    );
    return this.putRequest(applyReview(req, review, this.now()));
  }

  /** Removes a request with a DELETE event; to watchers this looks exactly like its expiry. */
  deleteRequest(id: string): void {
    this.purgeExpired();
    if (!this.removeRequest(id)) {
      throw notFound(`cannot delete access request "${id}" (not found)`);
    }
    this.bus.publish({ type: 'delete', kind: 'access_request', name: id });
  }

  upsertLock(input: NewLock): SimLock {
    this.purgeExpired();
    if (!input.name) throw badParameter('missing parameter Name');
    checkLockTarget(input.target);
    const previous = this.locks.get(input.name);
    const lock: SimLock = {
      name: input.name,
      target: { ...input.target },
      message: input.message ?? '',
      expires: input.expires,
      ...(input.expires && input.expiresSubMsNanos
        ? { expiresSubMsNanos: input.expiresSubMsNanos }
        : {}),
      ...(input.resourceExpires ? { resourceExpires: input.resourceExpires } : {}),
      createdAt: input.createdAt ?? this.now(),
      createdBy: input.createdBy ?? '',
      revision: (previous?.revision ?? 0) + 1,
    };
    this.locks.set(lock);
    this.bus.publish({ type: 'put', kind: 'lock', lock: structuredClone(lock) });
    if (lock.resourceExpires) this.noteExpiry(lock.resourceExpires.getTime());
    return structuredClone(lock);
  }

  getLock(name: string): SimLock | undefined {
    this.purgeExpired();
    const lock = this.locks.get(name);
    return lock && structuredClone(lock);
  }

  listLocks(query: LockQuery = {}): SimLock[] {
    return this.viewLocks(query).map((l) => structuredClone(l));
  }

  /** The same, without copies, for the server: it converts to wire messages at once. */
  viewLocks(query: LockQuery = {}): readonly SimLock[] {
    this.purgeExpired();
    const now = this.now();
    const targets = query.targets ?? [];
    return this.lockCandidates(targets)
      .filter((l) => lockSelected(l, targets))
      .filter((l) => !query.inForceOnly || lockInForce(l, now))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  /** Locks that may match `targets`: from the index when every target names an indexed field. */
  private lockCandidates(targets: LockTarget[]): SimLock[] {
    const keys = targets.map(lookupKey);
    if (keys.length === 0 || keys.some((k) => k === undefined)) return [...this.locks.values()];
    return this.locks.withAnyOf(keys.filter((k) => k !== undefined));
  }

  /**
   * The first lock in force that targets one of `keys` and satisfies `test`: the server asks
   * this on every call to see whether the caller's identity is locked out.
   */
  findLockInForce(
    keys: readonly IndexKey[],
    test: (lock: Readonly<SimLock>) => boolean,
  ): Readonly<SimLock> | undefined {
    this.purgeExpired();
    const now = this.now();
    return this.locks.withAnyOf(keys).find((lock) => lockInForce(lock, now) && test(lock));
  }

  deleteLock(name: string): void {
    this.purgeExpired();
    if (!this.locks.delete(name)) throw notFound(`lock "${name}" is not found`);
    this.bus.publish({ type: 'delete', kind: 'lock', name });
  }

  /** Deletes every expired request and lock, announcing each; returns how many went. */
  purgeExpired(): number {
    const now = this.now();
    if (this.nextDueMs === undefined || now.getTime() < this.nextDueMs) return 0;
    let purged = 0;
    for (const req of [...this.requests.values()]) {
      // A watcher may re-enter the store from a DELETE event: skip what it already purged.
      if (!requestExpired(req, now) || !this.removeRequest(req.id)) continue;
      this.bus.publish({ type: 'delete', kind: 'access_request', name: req.id });
      purged++;
    }
    // A lock goes at its Metadata.Expires, the backend item's expiry (lib/services/local/
    // access.go UpsertLock stores it with `lock.Expiry()`); Spec.Expires only ends its force.
    for (const lock of [...this.locks.values()]) {
      if (!resourceExpired(lock, now) || !this.locks.delete(lock.name)) continue;
      this.bus.publish({ type: 'delete', kind: 'lock', name: lock.name });
      purged++;
    }
    this.reschedule();
    return purged;
  }

  /** Stops the expiry timer and drops all watchers; the data stays readable. */
  close(): void {
    this.timer.stop();
    this.bus.clear();
  }

  private mustGetRequest(id: string, notFoundMessage: string): SimAccessRequest {
    this.purgeExpired();
    const req = this.requests.get(id);
    if (!req) throw notFound(notFoundMessage);
    return req;
  }

  private putRequest(req: SimAccessRequest): SimAccessRequest {
    this.requests.set(req.id, req);
    const ids = this.idsByUser.get(req.user) ?? new Set<string>();
    this.idsByUser.set(req.user, ids.add(req.id));
    this.bus.publish({ type: 'put', kind: 'access_request', request: structuredClone(req) });
    this.noteExpiry(req.resourceExpires.getTime());
    return structuredClone(req);
  }

  private removeRequest(id: string): boolean {
    const req = this.requests.get(id);
    if (!req) return false;
    this.requests.delete(id);
    const ids = this.idsByUser.get(req.user);
    ids?.delete(id);
    if (ids?.size === 0) this.idsByUser.delete(req.user);
    return true;
  }

  private noteExpiry(ms: number): void {
    if (this.nextDueMs !== undefined && this.nextDueMs <= ms) return;
    this.nextDueMs = ms;
    this.timer.schedule(new Date(ms));
  }

  /** Full scan after a purge: the exact next expiry, and the timer armed for it. */
  private reschedule(): void {
    let next: number | undefined;
    for (const r of this.requests.values()) next = earliest(next, r.resourceExpires.getTime());
    for (const l of this.locks.values()) {
      if (l.resourceExpires) next = earliest(next, l.resourceExpires.getTime());
    }
    this.nextDueMs = next;
    this.timer.schedule(next === undefined ? undefined : new Date(next));
  }
}

function resourceExpired(lock: SimLock, now: Date): boolean {
  return lock.resourceExpires !== undefined && lock.resourceExpires.getTime() <= now.getTime();
}

function earliest(a: number | undefined, b: number): number {
  return a === undefined ? b : Math.min(a, b);
}
