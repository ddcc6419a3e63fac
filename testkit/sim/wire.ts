// Conversion between the store's records and Teleport's protobuf messages as @grpc/proto-loader
// decodes them (Teleport field names, enums as names, absent = unset). The only place in the sim
// that knows wire shapes; it must produce what a Go Auth server would put on the wire.
import type { RequestState, ResourceId } from '../../src/domain/accessRequest';
import { targetFromWire, targetToWire } from './lockRules';
import type { Annotations, SimAccessRequest, SimLock, SimReview } from './model';
import type { RequestQuery, RequestScope } from './requestQuery';
import type { NewLock } from './store';

/** google.protobuf.Timestamp as decoded with `longs: Number`. */
export interface WireTimestamp {
  seconds?: number;
  nanos?: number;
}

/** Go's zero time.Time, which non-nullable timestamps carry when unset. */
const GO_ZERO_SECONDS = -62135596800;
export const GO_ZERO_TIME: WireTimestamp = { seconds: GO_ZERO_SECONDS, nanos: 0 };

export interface WireLabelValues {
  Values?: Record<string, { Values?: string[] }>;
}

export interface WireMetadata {
  Name?: string;
  Namespace?: string;
  Expires?: WireTimestamp;
  Revision?: string;
}

export interface WireResourceId {
  ClusterName?: string;
  Kind?: string;
  Name?: string;
  SubResourceName?: string;
}

export interface WireReview {
  Author?: string;
  Roles?: string[];
  ProposedState?: RequestState;
  Reason?: string;
  Created?: WireTimestamp;
  Annotations?: WireLabelValues;
  ThresholdIndexes?: number[];
}

export interface WireAccessRequest {
  Kind?: string;
  Version?: string;
  Metadata?: WireMetadata;
  Spec?: {
    User?: string;
    Roles?: string[];
    State?: RequestState;
    RequestReason?: string;
    SuggestedReviewers?: string[];
    RequestedResourceIDs?: WireResourceId[];
    DryRun?: boolean;
    AssumeStartTime?: WireTimestamp;
  } & Record<string, unknown>;
}

export interface WireLock {
  Kind?: string;
  Version?: string;
  Metadata?: WireMetadata;
  Spec?: {
    Target?: Record<string, string>;
    Message?: string;
    Expires?: WireTimestamp;
    CreatedAt?: WireTimestamp;
    CreatedBy?: string;
  };
}

export interface WireRequestFilter {
  ID?: string;
  User?: string;
  State?: RequestState;
  SearchKeywords?: string[];
  Scope?: RequestScope;
  Requester?: string;
}

/** `subMsNanos`: the nanoseconds below the millisecond a Date cannot hold, kept by the record. */
export function toTimestamp(d: Date, subMsNanos = 0): WireTimestamp {
  const ms = d.getTime();
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: (ms - seconds * 1000) * 1_000_000 + subMsNanos };
}

/** The nanoseconds of a timestamp below its millisecond: Go keeps them, a Date cannot. */
export function subMsNanos(ts: WireTimestamp | undefined | null): number | undefined {
  const nanos = (ts?.nanos ?? 0) % 1_000_000;
  return nanos === 0 ? undefined : nanos;
}

/** Absent and Go-zero timestamps both mean "unset". */
export function fromTimestamp(ts: WireTimestamp | undefined | null): Date | undefined {
  if (!ts) return undefined;
  const seconds = ts.seconds ?? 0;
  if (seconds <= GO_ZERO_SECONDS) return undefined;
  return new Date(seconds * 1000 + Math.floor((ts.nanos ?? 0) / 1_000_000));
}

export function toLabelValues(a: Annotations | undefined): WireLabelValues | undefined {
  if (!a) return undefined;
  return {
    Values: Object.fromEntries(Object.entries(a).map(([k, v]) => [k, { Values: [...v] }])),
  };
}

export function fromLabelValues(lv: WireLabelValues | undefined): Annotations | undefined {
  const entries = Object.entries(lv?.Values ?? {});
  if (entries.length === 0) return undefined;
  return Object.fromEntries(entries.map(([k, v]) => [k, [...(v.Values ?? [])]]));
}

function reviewToWire(r: SimReview, thresholds: number): WireReview {
  return {
    Author: r.author,
    Roles: r.roles,
    ProposedState: r.proposedState,
    Reason: r.reason,
    Created: toTimestamp(r.created, r.createdSubMsNanos),
    Annotations: toLabelValues(r.annotations),
    // The sim's thresholds have no filters: every review counts toward each of them.
    ThresholdIndexes: Array.from({ length: thresholds }, (_, i) => i),
  };
}

export function requestToWire(req: SimAccessRequest): WireAccessRequest {
  const nanos = req.timeSubMsNanos ?? 0;
  return {
    Kind: 'access_request',
    Version: 'v3',
    // Current Teleport keeps the resource expiry in Spec.ResourceExpiry and leaves
    // Metadata.Expires unset (api/types/access_request.go SetExpiry).
    Metadata: { Name: req.id, Namespace: 'default', Revision: String(req.revision) },
    Spec: {
      User: req.user,
      Roles: req.roles,
      State: req.state,
      Created: toTimestamp(req.created, nanos),
      Expires: toTimestamp(req.accessExpires, nanos),
      RequestReason: req.requestReason,
      ResolveReason: req.resolveReason,
      ResolveAnnotations: toLabelValues(req.resolveAnnotations),
      Thresholds: req.thresholds.map((t) => ({ Name: t.name, Approve: t.approve, Deny: t.deny })),
      Reviews: req.reviews.map((r) => reviewToWire(r, req.thresholds.length)),
      SuggestedReviewers: req.suggestedReviewers,
      RequestedResourceIDs: req.resources.map(resourceToWire),
      // Non-nullable in Go and unset unless a role caps the duration: the zero time.
      MaxDuration: req.maxDuration ? toTimestamp(req.maxDuration) : GO_ZERO_TIME,
      SessionTTL: toTimestamp(req.accessExpires, nanos),
      ...(req.assumeStartTime ? { AssumeStartTime: toTimestamp(req.assumeStartTime) } : {}),
      ResourceExpiry: toTimestamp(req.resourceExpires, nanos),
    },
  };
}

function resourceToWire(r: ResourceId): WireResourceId {
  return {
    ClusterName: r.clusterName,
    Kind: r.kind,
    Name: r.name,
    ...(r.subResourceName ? { SubResourceName: r.subResourceName } : {}),
  };
}

export function resourceFromWire(r: WireResourceId): ResourceId {
  return {
    clusterName: r.ClusterName ?? '',
    kind: r.Kind ?? '',
    name: r.Name ?? '',
    ...(r.SubResourceName ? { subResourceName: r.SubResourceName } : {}),
  };
}

export function lockToWire(lock: SimLock): WireLock {
  return {
    Kind: 'lock',
    Version: 'v2',
    Metadata: {
      Name: lock.name,
      Namespace: 'default',
      Revision: String(lock.revision),
      ...(lock.resourceExpires ? { Expires: toTimestamp(lock.resourceExpires) } : {}),
    },
    Spec: {
      Target: targetToWire(lock.target),
      Message: lock.message,
      ...(lock.expires ? { Expires: toTimestamp(lock.expires, lock.expiresSubMsNanos) } : {}),
      CreatedAt: toTimestamp(lock.createdAt),
      CreatedBy: lock.createdBy,
    },
  };
}

/** An UpsertLock payload as the store's input; CreatedAt/CreatedBy kept only when set. */
export function lockFromWire(wire: WireLock): NewLock {
  return {
    name: wire.Metadata?.Name ?? '',
    target: targetFromWire(wire.Spec?.Target),
    message: wire.Spec?.Message ?? '',
    expires: fromTimestamp(wire.Spec?.Expires),
    expiresSubMsNanos: subMsNanos(wire.Spec?.Expires),
    resourceExpires: fromTimestamp(wire.Metadata?.Expires),
    createdAt: fromTimestamp(wire.Spec?.CreatedAt),
    createdBy: wire.Spec?.CreatedBy || undefined,
  };
}

export function filterFromWire(f: WireRequestFilter | undefined): RequestQuery {
  return {
    id: f?.ID || undefined,
    user: f?.User || undefined,
    state: f?.State,
    searchKeywords: f?.SearchKeywords ?? [],
    scope: f?.Scope,
  };
}

/** A DELETE event's payload: only the kind and the name. */
export function resourceHeader(kind: string, name: string) {
  return { Kind: kind, Version: kind === 'lock' ? 'v2' : 'v3', Metadata: { Name: name } };
}
