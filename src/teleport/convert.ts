// Converts between Teleport's wire messages and jit-watcher's domain objects. Go's zero time
// (0001-01-01, sent for unset non-nullable timestamps) becomes undefined here and nowhere else.
import {
  REQUEST_STATES,
  type AccessRequest,
  type RequestState,
  type ResourceId,
} from '../domain/accessRequest';
import { LOCK_TARGET_KEYS, type Lock, type LockTarget } from '../domain/lock';
import type { Timestamp, Timestamp__Output } from './generated/google/protobuf/Timestamp';
import type { AccessRequestV3__Output } from './generated/types/AccessRequestV3';
import type {
  LockTarget as WireLockTarget,
  LockTarget__Output,
} from './generated/types/LockTarget';
import type { LockV2, LockV2__Output } from './generated/types/LockV2';
import type { ResourceID, ResourceID__Output } from './generated/types/ResourceID';
import type { LabelValues, LabelValues__Output } from './generated/wrappers/LabelValues';

const GO_ZERO_TIME_SECONDS = -62135596800;

export function fromTimestamp(ts: Timestamp__Output | null | undefined): Date | undefined {
  if (!ts) return undefined;
  const seconds = Number(ts.seconds ?? 0);
  if (seconds <= GO_ZERO_TIME_SECONDS) return undefined;
  return new Date(seconds * 1000 + Math.floor((ts.nanos ?? 0) / 1e6));
}

export function toTimestamp(date: Date | undefined): Timestamp | undefined {
  if (!date) return undefined;
  const ms = date.getTime();
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: (ms - seconds * 1000) * 1e6 };
}

function requestState(value: string | undefined): RequestState {
  return REQUEST_STATES.find((s) => s === value) ?? 'NONE';
}

function resourceFromWire(r: ResourceID__Output): ResourceId {
  const id: ResourceId = {
    clusterName: r.ClusterName ?? '',
    kind: r.Kind ?? '',
    name: r.Name ?? '',
  };
  if (r.SubResourceName) id.subResourceName = r.SubResourceName;
  return id;
}

export function resourceToWire(r: ResourceId): ResourceID {
  return {
    ClusterName: r.clusterName,
    Kind: r.kind,
    Name: r.name,
    SubResourceName: r.subResourceName ?? '',
  };
}

export function accessRequestFromWire(wire: AccessRequestV3__Output): AccessRequest {
  const spec = wire.Spec ?? {};
  const request: AccessRequest = {
    id: wire.Metadata?.Name ?? '',
    user: spec.User ?? '',
    roles: spec.Roles ?? [],
    resources: (spec.RequestedResourceIDs ?? []).map(resourceFromWire),
    state: requestState(spec.State),
    created: fromTimestamp(spec.Created) ?? new Date(0),
    reviews: (spec.Reviews ?? []).map((r) => ({
      author: r.Author ?? '',
      proposedState: requestState(r.ProposedState),
      reason: r.Reason ?? '',
      created: fromTimestamp(r.Created),
    })),
  };
  const expires = fromTimestamp(spec.Expires);
  if (expires) request.expires = expires;
  // AccessRequestV3.Expiry(): Spec.ResourceExpiry, else Metadata.Expires (older servers).
  const resourceExpires =
    fromTimestamp(spec.ResourceExpiry) ?? fromTimestamp(wire.Metadata?.Expires);
  if (resourceExpires) request.resourceExpires = resourceExpires;
  const assumeStartTime = fromTimestamp(spec.AssumeStartTime);
  if (assumeStartTime) request.assumeStartTime = assumeStartTime;
  const maxDuration = fromTimestamp(spec.MaxDuration);
  if (maxDuration) request.maxDuration = maxDuration;
  if (spec.RequestReason) request.requestReason = spec.RequestReason;
  if (spec.ResolveReason) request.resolveReason = spec.ResolveReason;
  const annotations = labelValuesFromWire(spec.ResolveAnnotations);
  if (annotations) request.resolveAnnotations = annotations;
  return request;
}

function labelValuesFromWire(
  wire: LabelValues__Output | null | undefined,
): Record<string, string[]> | undefined {
  const entries = Object.entries(wire?.Values ?? {});
  if (entries.length === 0) return undefined;
  return Object.fromEntries(entries.map(([key, list]) => [key, list.Values ?? []]));
}

export function labelValuesToWire(values: Record<string, string[]> | undefined): LabelValues {
  const out: NonNullable<LabelValues['Values']> = {};
  for (const [key, list] of Object.entries(values ?? {})) out[key] = { Values: list };
  return { Values: out };
}

/** Teleport's field name for each LockTarget key; a Record, so a new key cannot be forgotten. */
const LOCK_TARGET_WIRE_NAMES: Readonly<Record<keyof LockTarget, keyof WireLockTarget>> = {
  user: 'User',
  role: 'Role',
  login: 'Login',
  node: 'Node',
  mfaDevice: 'MFADevice',
  windowsDesktop: 'WindowsDesktop',
  accessRequest: 'AccessRequest',
  device: 'Device',
  serverId: 'ServerID',
  botInstanceId: 'BotInstanceID',
  joinToken: 'JoinToken',
};

export function lockTargetFromWire(wire: LockTarget__Output | null | undefined): LockTarget {
  const target: LockTarget = {};
  for (const key of LOCK_TARGET_KEYS) {
    const value = wire?.[LOCK_TARGET_WIRE_NAMES[key]];
    if (value) target[key] = value;
  }
  return target;
}

export function lockTargetToWire(target: LockTarget): WireLockTarget {
  const wire: WireLockTarget = {};
  for (const key of LOCK_TARGET_KEYS) {
    const value = target[key];
    if (value) wire[LOCK_TARGET_WIRE_NAMES[key]] = value;
  }
  return wire;
}

export function lockFromWire(wire: LockV2__Output): Lock {
  const spec = wire.Spec ?? {};
  const lock: Lock = { name: wire.Metadata?.Name ?? '', target: lockTargetFromWire(spec.Target) };
  if (spec.Message) lock.message = spec.Message;
  const expires = fromTimestamp(spec.Expires) ?? fromTimestamp(wire.Metadata?.Expires);
  if (expires) lock.expires = expires;
  const createdAt = fromTimestamp(spec.CreatedAt);
  if (createdAt) lock.createdAt = createdAt;
  if (spec.CreatedBy) lock.createdBy = spec.CreatedBy;
  return lock;
}

/**
 * A lock's expiry goes in both places: Spec.Expires takes it out of force, Metadata.Expires
 * makes Teleport's backend delete it then (lib/services/local/access.go stores a lock until
 * `lock.Expiry()`, the metadata expiry); with Spec.Expires alone it would be kept forever.
 */
export function lockToWire(lock: Lock): LockV2 {
  const expires = toTimestamp(lock.expires) ?? null;
  return {
    Kind: 'lock',
    Version: 'v2',
    Metadata: { Name: lock.name, Namespace: 'default', Expires: expires },
    Spec: {
      Target: lockTargetToWire(lock.target),
      Message: lock.message ?? '',
      Expires: expires,
    },
  };
}
