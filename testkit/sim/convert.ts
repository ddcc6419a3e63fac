// Conversion between the store's records and Teleport's protobuf messages, typed by the wire types
// generated from proto/ (src/teleport/generated): `__Output` for what a client sent, the input
// types for what the sim answers. The only place in the sim that knows wire shapes; it must
// produce what a Go Auth server would put on the wire.
import type { ResourceId } from '../../src/domain/accessRequest';
import type {
  Timestamp,
  Timestamp__Output,
} from '../../src/teleport/generated/google/protobuf/Timestamp';
import type { AccessRequestFilter__Output } from '../../src/teleport/generated/types/AccessRequestFilter';
import type { AccessRequestV3 } from '../../src/teleport/generated/types/AccessRequestV3';
import type { AccessReview } from '../../src/teleport/generated/types/AccessReview';
import type { LockV2, LockV2__Output } from '../../src/teleport/generated/types/LockV2';
import type { ResourceHeader } from '../../src/teleport/generated/types/ResourceHeader';
import type { ResourceID, ResourceID__Output } from '../../src/teleport/generated/types/ResourceID';
import type {
  LabelValues,
  LabelValues__Output,
} from '../../src/teleport/generated/wrappers/LabelValues';
import { lockTargetFromWire, lockTargetToWire } from '../../src/teleport/convert';
import type { Annotations, SimAccessRequest, SimLock, SimReview } from './model';
import type { RequestQuery } from './requestQuery';
import type { NewLock } from './store';

/** Go's zero time.Time, which non-nullable timestamps carry when unset. */
const GO_ZERO_SECONDS = -62135596800;
const GO_ZERO_TIME: Timestamp = { seconds: GO_ZERO_SECONDS, nanos: 0 };

/** `subMsNanos`: the nanoseconds below the millisecond a Date cannot hold, kept by the record. */
export function toTimestamp(d: Date, subMsNanos = 0): Timestamp__Output {
  const ms = d.getTime();
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: (ms - seconds * 1000) * 1_000_000 + subMsNanos };
}

/** The nanoseconds of a timestamp below its millisecond: Go keeps them, a Date cannot. */
export function subMsNanos(ts: Timestamp__Output | undefined | null): number | undefined {
  const nanos = (ts?.nanos ?? 0) % 1_000_000;
  return nanos === 0 ? undefined : nanos;
}

/** Absent and Go-zero timestamps both mean "unset". */
export function fromTimestamp(ts: Timestamp__Output | undefined | null): Date | undefined {
  if (!ts) return undefined;
  const seconds = ts.seconds ?? 0;
  if (seconds <= GO_ZERO_SECONDS) return undefined;
  return new Date(seconds * 1000 + Math.floor((ts.nanos ?? 0) / 1_000_000));
}

function toLabelValues(a: Annotations | undefined): LabelValues | undefined {
  if (!a) return undefined;
  return {
    Values: Object.fromEntries(Object.entries(a).map(([k, v]) => [k, { Values: [...v] }])),
  };
}

export function fromLabelValues(lv: LabelValues__Output | undefined): Annotations | undefined {
  const entries = Object.entries(lv?.Values ?? {});
  if (entries.length === 0) return undefined;
  return Object.fromEntries(entries.map(([k, v]) => [k, [...(v.Values ?? [])]]));
}

function reviewToWire(r: SimReview, thresholds: number): AccessReview {
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

export function requestToWire(req: SimAccessRequest): AccessRequestV3 {
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

function resourceToWire(r: ResourceId): ResourceID {
  return {
    ClusterName: r.clusterName,
    Kind: r.kind,
    Name: r.name,
    ...(r.subResourceName ? { SubResourceName: r.subResourceName } : {}),
  };
}

export function resourceFromWire(r: ResourceID__Output): ResourceId {
  return {
    clusterName: r.ClusterName ?? '',
    kind: r.Kind ?? '',
    name: r.Name ?? '',
    ...(r.SubResourceName ? { subResourceName: r.SubResourceName } : {}),
  };
}

export function lockToWire(lock: SimLock): LockV2 {
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
      Target: lockTargetToWire(lock.target),
      Message: lock.message,
      ...(lock.expires ? { Expires: toTimestamp(lock.expires, lock.expiresSubMsNanos) } : {}),
      CreatedAt: toTimestamp(lock.createdAt),
      CreatedBy: lock.createdBy,
    },
  };
}

/** An UpsertLock payload as the store's input; CreatedAt/CreatedBy kept only when set. */
export function lockFromWire(wire: LockV2__Output): NewLock {
  return {
    name: wire.Metadata?.Name ?? '',
    target: lockTargetFromWire(wire.Spec?.Target),
    message: wire.Spec?.Message ?? '',
    expires: fromTimestamp(wire.Spec?.Expires),
    expiresSubMsNanos: subMsNanos(wire.Spec?.Expires),
    resourceExpires: fromTimestamp(wire.Metadata?.Expires),
    createdAt: fromTimestamp(wire.Spec?.CreatedAt),
    createdBy: wire.Spec?.CreatedBy || undefined,
  };
}

export function filterFromWire(f: AccessRequestFilter__Output | undefined): RequestQuery {
  return {
    id: f?.ID || undefined,
    user: f?.User || undefined,
    state: f?.State,
    searchKeywords: f?.SearchKeywords ?? [],
    scope: f?.Scope,
  };
}

/** A DELETE event's payload: only the kind and the name. */
export function resourceHeader(kind: string, name: string): ResourceHeader {
  return { Kind: kind, Version: kind === 'lock' ? 'v2' : 'v3', Metadata: { Name: name } };
}
