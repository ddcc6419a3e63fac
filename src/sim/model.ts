// The simulated backend's records: plain data with Date values, shaped after Teleport's resources
// (AccessRequestV3, LockV2) but free of protobuf. wire.ts is the only place that converts them;
// nothing here may hold a class, a Map or a wire object.
import type { RequestState, ResourceId } from '../domain/accessRequest';
import type { LockTarget } from '../domain/lock';

export type { RequestState, ResourceId, LockTarget };

/** Teleport's LabelValues: annotation name to values. */
export type Annotations = Record<string, string[]>;

export interface SimReview {
  author: string;
  roles: string[];
  proposedState: RequestState;
  reason: string;
  created: Date;
  annotations?: Annotations;
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
  /** Metadata.Expires: when the resource itself is deleted by the backend. */
  resourceExpires: Date;
  requestReason: string;
  resolveReason: string;
  resolveAnnotations?: Annotations;
  suggestedReviewers: string[];
  reviews: SimReview[];
  /** Bumped on every write, like the backend's revision. */
  revision: number;
}

export interface SimLock {
  name: string;
  target: LockTarget;
  message: string;
  /** Undefined: the lock never expires. */
  expires?: Date;
  createdAt: Date;
  createdBy: string;
  revision: number;
}

export type ResourceKind = 'access_request' | 'lock';

/** What the store announces to watchers, in commit order. */
export type StoreEvent =
  | { type: 'put'; kind: 'access_request'; request: SimAccessRequest }
  | { type: 'put'; kind: 'lock'; lock: SimLock }
  | { type: 'delete'; kind: ResourceKind; name: string };

export const KIND_ACCESS_REQUEST = 'access_request';
export const KIND_LOCK = 'lock';
