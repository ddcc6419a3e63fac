// The narrow Teleport API jit-watcher depends on, in domain terms, and the admin calls beside it.
// Everything behind them (protobuf, TLS, retries of the transport) stays in src/teleport/;
// callers and tests see only this.
import type { AccessRequest, RequestState, ResourceId } from '../domain/accessRequest';
import type { Lock, LockTarget } from '../domain/lock';

export interface PingResult {
  clusterName: string;
  serverVersion: string;
}

export interface RequestFilter {
  id?: string;
  user?: string;
  state?: RequestState;
}

export interface RequestPageParams {
  filter?: RequestFilter;
  /** Where the previous page stopped (its nextKey); omitted for the first page. */
  startKey?: string;
  limit: number;
}

export interface RequestPage {
  /** Oldest first (Teleport's CREATED sort). */
  requests: AccessRequest[];
  /** Opaque; absent on the last page. */
  nextKey?: string;
}

export interface SetRequestStateParams {
  id: string;
  state: 'APPROVED' | 'DENIED';
  reason: string;
  /** Shown on the request as resolve annotations, e.g. the policy that decided. */
  annotations?: Record<string, string[]>;
}

/** Teleport refuses annotations on reviews (NotImplemented): anything to say goes in the reason. */
export interface SubmitReviewParams {
  requestId: string;
  state: 'APPROVED' | 'DENIED';
  reason: string;
}

export interface CreateRequestParams {
  user: string;
  roles: string[];
  resources?: ResourceId[];
  reason?: string;
  /** Access that starts later (Spec.AssumeStartTime). */
  assumeStartTime?: Date;
}

export interface GetLocksParams {
  targets?: LockTarget[];
  inForceOnly?: boolean;
}

export type WatchKindName = 'access_request' | 'lock';

export interface WatchParams {
  kinds: WatchKindName[];
  /** Per-kind filter, e.g. `{ access_request: { state: 'PENDING' } }`. */
  filters?: Partial<Record<WatchKindName, Record<string, string>>>;
  signal?: AbortSignal;
}

export type WatchEvent =
  | { type: 'init'; kinds: string[] }
  | { type: 'put'; kind: 'access_request'; request: AccessRequest }
  | { type: 'put'; kind: 'lock'; lock: Lock }
  | { type: 'delete'; kind: string; name: string };

/**
 * What the watcher calls: read requests and locks, set a request's state, review, upsert its
 * locks, watch (deploy/teleport/jit-watcher-role.yaml grants exactly this). Creating and deleting
 * requests and deleting locks is TeleportAdmin's, beside it.
 */
export interface TeleportClient {
  ping(): Promise<PingResult>;
  /** The user this client acts as (its identity's), e.g. the author of its reviews. */
  callerName(): string;
  /** Every request matching the filter, all pages. */
  listAccessRequests(filter?: RequestFilter): Promise<AccessRequest[]>;
  /** One page of matching requests, oldest first, so a caller can work through a large cluster. */
  listAccessRequestsPage(params: RequestPageParams): Promise<RequestPage>;
  /** One request by id, or undefined when Teleport has none by that id. */
  getAccessRequest(id: string): Promise<AccessRequest | undefined>;
  setRequestState(params: SetRequestStateParams): Promise<void>;
  submitReview(params: SubmitReviewParams): Promise<AccessRequest>;
  upsertLock(lock: Lock): Promise<void>;
  getLocks(params?: GetLocksParams): Promise<Lock[]>;
  /** One lock by name, or undefined when none exists. */
  getLock(name: string): Promise<Lock | undefined>;
  /** Events as they happen, INIT first; ends when the signal aborts, throws on stream loss. */
  watch(params: WatchParams): AsyncIterable<WatchEvent>;
  close(): void;
}

/** Requesting access, removing requests and locks: what tests, benches and the sim CLI do. */
export interface TeleportAdmin {
  /** Teleport names the request (a UUIDv7): use the returned request's id. */
  createRequest(params: CreateRequestParams): Promise<AccessRequest>;
  deleteRequest(id: string): Promise<void>;
  /** Not the watcher's: its locks end by their expiry, and its role grants no lock delete. */
  deleteLock(name: string): Promise<void>;
  /**
   * A lock as older watchers wrote it: Spec.Expires only, so Teleport keeps it after it ends.
   * For benches and tests of the cleanup of such locks; the watcher itself uses upsertLock.
   */
  upsertLockWithoutBackendExpiry(lock: Lock): Promise<void>;
}
