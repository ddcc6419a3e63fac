// TypeScript shapes of the protobuf messages as @grpc/proto-loader decodes them (keepCase, enums
// as names, longs as numbers). Only src/teleport/ may import this file.

export interface WireTimestamp {
  seconds?: number | string;
  nanos?: number;
}

export interface WireMetadata {
  Name?: string;
  Namespace?: string;
  Description?: string;
  Labels?: Record<string, string>;
  Expires?: WireTimestamp | null;
  Revision?: string;
}

export interface WireLabelValues {
  Values?: Record<string, { Values?: string[] }>;
}

export interface WireResourceId {
  ClusterName?: string;
  Kind?: string;
  Name?: string;
  SubResourceName?: string;
}

export interface WireAccessReview {
  Author?: string;
  Roles?: string[];
  ProposedState?: string;
  Reason?: string;
  Created?: WireTimestamp | null;
  Annotations?: WireLabelValues | null;
}

export interface WireAccessRequestSpec {
  User?: string;
  Roles?: string[];
  State?: string;
  Created?: WireTimestamp | null;
  Expires?: WireTimestamp | null;
  RequestReason?: string;
  ResolveReason?: string;
  ResolveAnnotations?: WireLabelValues | null;
  Reviews?: WireAccessReview[];
  RequestedResourceIDs?: WireResourceId[];
  MaxDuration?: WireTimestamp | null;
  AssumeStartTime?: WireTimestamp | null;
  ResourceExpiry?: WireTimestamp | null;
}

export interface WireAccessRequest {
  Kind?: string;
  SubKind?: string;
  Version?: string;
  Metadata?: WireMetadata | null;
  Spec?: WireAccessRequestSpec | null;
}

export interface WireLockTarget {
  User?: string;
  Role?: string;
  Login?: string;
  Node?: string;
  MFADevice?: string;
  WindowsDesktop?: string;
  AccessRequest?: string;
  Device?: string;
  ServerID?: string;
  BotInstanceID?: string;
  JoinToken?: string;
}

export interface WireLock {
  Kind?: string;
  SubKind?: string;
  Version?: string;
  Metadata?: WireMetadata | null;
  Spec?: {
    Target?: WireLockTarget | null;
    Message?: string;
    Expires?: WireTimestamp | null;
    CreatedAt?: WireTimestamp | null;
    CreatedBy?: string;
  } | null;
}

export interface WireResourceHeader {
  Kind?: string;
  SubKind?: string;
  Version?: string;
  Metadata?: WireMetadata | null;
}

export interface WireWatchKind {
  Kind?: string;
  Filter?: Record<string, string>;
}

export interface WireEvent {
  Type?: string;
  Resource?: 'ResourceHeader' | 'AccessRequest' | 'Lock' | 'WatchStatus';
  ResourceHeader?: WireResourceHeader | null;
  AccessRequest?: WireAccessRequest | null;
  Lock?: WireLock | null;
  WatchStatus?: { Spec?: { Kinds?: WireWatchKind[] } | null } | null;
}
