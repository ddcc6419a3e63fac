// The simulated backend's records: plain data with Date values, shaped after Teleport's resources
// (AccessRequestV3, LockV2) but free of protobuf. convert.ts is the only place that converts them;
// nothing here may hold a class, a Map or a wire object.
import type { RequestState, ResourceId } from '../../src/domain/accessRequest';
import type { LockTarget } from '../../src/domain/lock';

export type { RequestState, ResourceId, LockTarget };

/** Teleport's LabelValues: annotation name to values. */
export type Annotations = Record<string, string[]>;

export interface SimReview {
  author: string;
  roles: string[];
  proposedState: RequestState;
  reason: string;
  created: Date;
  /** Nanoseconds below `created`'s millisecond, as the reviewer sent them (Go keeps them). */
  createdSubMsNanos?: number;
  annotations?: Annotations;
}

/** A review threshold (types.AccessReviewThreshold) without its filter: every review counts. */
export interface SimThreshold {
  name: string;
  approve: number;
  deny: number;
}

export interface SimAccessRequest {
  /** Metadata.Name, a UUID unless the creator chose one. */
  id: string;
  user: string;
  roles: string[];
  resources: ResourceId[];
  state: RequestState;
  created: Date;
  /** Spec.Expires: when the granted access ends. */
  accessExpires: Date;
  /** Spec.ResourceExpiry (Expiry()): when the backend deletes the request itself. */
  resourceExpires: Date;
  /** Spec.AssumeStartTime: access may not be used before it. */
  assumeStartTime?: Date;
  /** Spec.MaxDuration: the latest the access may last until. */
  maxDuration?: Date;
  /** From the requester's roles' `request.thresholds`; Teleport's default is one approval. */
  thresholds: SimThreshold[];
  requestReason: string;
  resolveReason: string;
  resolveAnnotations?: Annotations;
  suggestedReviewers: string[];
  reviews: SimReview[];
  /**
   * Nanoseconds below the millisecond of `created` and of the expiries derived from it, for
   * requests the server timed itself: Go's time.Now() has them, a Date cannot.
   */
  timeSubMsNanos?: number;
  /** Bumped on every write, like the backend's revision. */
  revision: number;
}

export interface SimLock {
  name: string;
  target: LockTarget;
  message: string;
  /** Spec.Expires: out of force from then on, but still stored. Undefined: in force forever. */
  expires?: Date;
  /** Nanoseconds below `expires`' millisecond, as the client sent them (Go keeps them). */
  expiresSubMsNanos?: number;
  /** Metadata.Expires: when the backend deletes the lock (with a DELETE event). */
  resourceExpires?: Date;
  createdAt: Date;
  createdBy: string;
  revision: number;
}

type ResourceKind = 'access_request' | 'lock';

/** What the store announces to watchers, in commit order. */
export type StoreEvent =
  | { type: 'put'; kind: 'access_request'; request: SimAccessRequest }
  | { type: 'put'; kind: 'lock'; lock: SimLock }
  | { type: 'delete'; kind: ResourceKind; name: string };
