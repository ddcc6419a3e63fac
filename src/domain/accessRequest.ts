// The access request as the rest of jit-watcher sees it: plain data with Date values, no wire
// shapes. src/teleport/ converts to and from Teleport's protobuf messages; nothing else should.

/**
 * Enough of a UUID to tell requests apart at a glance (the demo's lines, the Web UI's summaries).
 * Its end, not its start: Teleport names requests with UUIDv7, whose first digits are a timestamp
 * that requests made in the same minute share; the last digits are random.
 */
const SHORT_ID_LENGTH = 8;

/** Teleport's request states, in enum order; PROMOTED means promoted to an access list. */
export const REQUEST_STATES = ['NONE', 'PENDING', 'APPROVED', 'DENIED', 'PROMOTED'] as const;
export type RequestState = (typeof REQUEST_STATES)[number];

/** One resource named by a resource access request (Teleport's types.ResourceID). */
export interface ResourceId {
  clusterName: string;
  kind: string;
  name: string;
  subResourceName?: string;
}

/** One reviewer's verdict on a request. */
export interface AccessReview {
  author: string;
  proposedState: RequestState;
  reason: string;
  created?: Date;
}

export interface AccessRequest {
  /** The request's id: Teleport's Metadata.Name, a UUID. */
  id: string;
  user: string;
  roles: string[];
  resources: ResourceId[];
  state: RequestState;
  created: Date;
  /** When the granted access ends (Spec.Expires); undefined when Teleport left it unset. */
  expires?: Date;
  /**
   * When Teleport deletes the request itself: Spec.ResourceExpiry (field 22), else
   * Metadata.Expires on servers older than that field, as AccessRequestV3.Expiry() reads it.
   */
  resourceExpires?: Date;
  /** When the granted access may first be used (Spec.AssumeStartTime); undefined: at once. */
  assumeStartTime?: Date;
  /** The latest the access may last until (Spec.MaxDuration, a time despite its name). */
  maxDuration?: Date;
  requestReason?: string;
  resolveReason?: string;
  /** Annotations the resolver attached, e.g. jit-watcher's decision id. */
  resolveAnnotations?: Record<string, string[]>;
  reviews: AccessReview[];
}

/**
 * When the granted access really ends: its expiry, or its maximum duration when that comes first.
 * Undefined when Teleport set neither.
 */
export function accessEnd(r: Pick<AccessRequest, 'expires' | 'maxDuration'>): Date | undefined {
  if (!r.maxDuration) return r.expires;
  if (!r.expires) return r.maxDuration;
  return r.maxDuration.getTime() < r.expires.getTime() ? r.maxDuration : r.expires;
}

/** Teleport's canonical resource path, `/cluster/kind/name[/sub]`, used as an identity key. */
export function resourcePath(r: ResourceId): string {
  const base = `/${r.clusterName}/${r.kind}/${r.name}`;
  return r.subResourceName ? `${base}/${r.subResourceName}` : base;
}

/** "2 nodes", "1 node, 1 db"; role-only requests: "role prod-db", "roles prod, research". */
export function describeAsk(roles: string[], resources: Pick<ResourceId, 'kind'>[]): string {
  if (resources.length === 0) {
    return `${roles.length === 1 ? 'role' : 'roles'} ${roles.join(', ')}`;
  }
  const byKind = new Map<string, number>();
  for (const r of resources) byKind.set(r.kind, (byKind.get(r.kind) ?? 0) + 1);
  return [...byKind].map(([kind, n]) => `${n} ${kind}${n === 1 ? '' : 's'}`).join(', ');
}

export function shortId(id: string): string {
  return id.length > SHORT_ID_LENGTH ? `…${id.slice(-SHORT_ID_LENGTH)}` : id;
}
