// Teleport's access-request rules as pure functions over SimAccessRequest: creation defaults
// (CheckAndSetDefaults), state changes
// (api/types/access_request.go SetState, lib/services/local/dynamic_access.go) and reviews
// (lib/services/access_request.go ApplyAccessReview). No storage, no clock, no caller checks:
// the store applies these under its own write, the server checks who may call.
import { accessDenied, badParameter, SimError } from './errors';
import type {
  Annotations,
  RequestState,
  ResourceId,
  SimAccessRequest,
  SimReview,
  SimThreshold,
} from './model';
import { uuidv7 } from './uuidv7';

/** Teleport's default threshold when no role sets any: one approval approves, one denial denies. */
const DEFAULT_THRESHOLD: SimThreshold = { name: 'default', approve: 1, deny: 1 };

export interface NewRequest {
  id?: string;
  user: string;
  roles?: string[];
  resources?: ResourceId[];
  reason?: string;
  suggestedReviewers?: string[];
  /** Backdate or postdate creation; default now. */
  created?: Date;
  /** Spec.Expires; default created + accessTtlMs. */
  accessExpires?: Date;
  /** Metadata.Expires; default min(created + pendingTtlMs, accessExpires). */
  resourceExpires?: Date;
  /** Spec.AssumeStartTime: the access starts later. */
  assumeStartTime?: Date;
  /** Spec.MaxDuration: the latest the access may last until. */
  maxDuration?: Date;
  /** The requester's roles' thresholds; default Teleport's one approval. */
  thresholds?: SimThreshold[];
  /** Test setup only: Teleport creates every request PENDING. */
  state?: RequestState;
  /** Validate and return the request without storing it (Spec.DryRun). */
  dryRun?: boolean;
}

export interface RequestDefaults {
  pendingTtlMs: number;
  accessTtlMs: number;
  /** Roles a resource request is given when it names none (Teleport derives them from RBAC). */
  resourceRequestRoles: string[];
}

/** A new request as the backend stores it (CheckAndSetDefaults); the id may still be taken. */
export function buildRequest(
  input: NewRequest,
  defaults: RequestDefaults,
  now: Date,
): SimAccessRequest {
  const roles = input.roles ?? [];
  const resources = input.resources ?? [];
  if (!input.user) throw badParameter('access request user name not set');
  if (roles.length === 0 && resources.length === 0) {
    throw badParameter('access request does not specify any roles or resources');
  }
  const created = input.created ?? now;
  const accessExpires = input.accessExpires ?? new Date(created.getTime() + defaults.accessTtlMs);
  // A pending request never outlives the access it asks for.
  const pendingEnd = Math.min(created.getTime() + defaults.pendingTtlMs, accessExpires.getTime());
  const state = input.state ?? 'PENDING';
  return {
    id: input.id || uuidv7(now.getTime()),
    user: input.user,
    roles: roles.length > 0 ? [...roles] : [...defaults.resourceRequestRoles],
    resources: resources.map((r) => ({ ...r })),
    state,
    created,
    accessExpires,
    resourceExpires:
      input.resourceExpires ?? (state === 'APPROVED' ? accessExpires : new Date(pendingEnd)),
    ...(input.assumeStartTime ? { assumeStartTime: input.assumeStartTime } : {}),
    ...(input.maxDuration ? { maxDuration: input.maxDuration } : {}),
    thresholds:
      input.thresholds && input.thresholds.length > 0
        ? input.thresholds.map((t) => ({ ...t }))
        : [{ ...DEFAULT_THRESHOLD }],
    requestReason: input.reason ?? '',
    resolveReason: '',
    suggestedReviewers: [...(input.suggestedReviewers ?? [])],
    reviews: [],
    revision: 1,
  };
}

export interface StateChange {
  state: RequestState;
  reason?: string;
  annotations?: Annotations;
  /** Approve only a subset of the requested roles. */
  roles?: string[];
}

export interface ReviewInput {
  author: string;
  proposedState: RequestState;
  reason?: string;
  roles?: string[];
  annotations?: Annotations;
  created?: Date;
  createdSubMsNanos?: number;
}

/** AccessRequestUpdate.Check: parameters that are wrong whatever the request's state. */
export function checkStateChange(id: string, change: StateChange): void {
  if (!id) throw badParameter('missing request id');
  if (change.state === 'NONE') throw badParameter('missing request state');
  if (change.state === 'PROMOTED') {
    throw badParameter('state promoted can be only set when promoting to access list');
  }
  if (change.roles && change.roles.length > 0 && change.state !== 'APPROVED') {
    throw badParameter(`cannot override roles when setting state: ${change.state}`);
  }
}

/**
 * The request after the change. DENIED is final: DENIED again succeeds (Teleport still rewrites
 * the reason, so it is a write), any other state from DENIED is refused.
 */
export function applyStateChange(req: SimAccessRequest, change: StateChange): SimAccessRequest {
  if (req.state === 'DENIED' && change.state !== 'DENIED') {
    throw badParameter(`cannot set request-state "${change.state}" (already denied)`);
  }
  let roles = req.roles;
  if (change.roles && change.roles.length > 0) {
    for (const role of change.roles) {
      if (!req.roles.includes(role)) {
        throw badParameter(
          `role "${role}" not in original request, overrides must be a subset of original role list`,
        );
      }
    }
    roles = [...change.roles];
  }
  return {
    ...req,
    state: change.state,
    roles,
    resolveReason: change.reason ?? '',
    resolveAnnotations: change.annotations,
    // An approved request lives as long as the access it grants.
    resourceExpires: change.state === 'APPROVED' ? req.accessExpires : req.resourceExpires,
    revision: req.revision + 1,
  };
}

/**
 * The request with the review appended, resolved when a threshold is met
 * (lib/services/access_request.go ApplyAccessReview, checkReviewCompat,
 * calculateReviewBasedResolution): the review that brings some threshold's approvals (or
 * denials) to its count resolves the request to its own proposal, with its reason. The sim's
 * thresholds have no filters and one set for every role, so any met threshold decides.
 */
export function applyReview(
  req: SimAccessRequest,
  input: ReviewInput,
  now: Date,
): SimAccessRequest {
  if (input.proposedState !== 'APPROVED' && input.proposedState !== 'DENIED') {
    throw badParameter(`invalid state proposal: ${input.proposedState} (expected approval/denial)`);
  }
  if (req.reviews.some((r) => r.author === input.author)) {
    throw accessDenied(`user "${input.author}" has already reviewed this request`);
  }
  if (input.roles && input.roles.length > 0 && !sameSet(input.roles, req.roles)) {
    throw new SimError(
      'NotImplemented',
      'role subselection is not yet supported in reviews, try omitting role list',
    );
  }
  if (input.annotations && Object.keys(input.annotations).length > 0) {
    throw new SimError(
      'NotImplemented',
      'annotations are not yet supported in reviews, try omitting annotations field',
    );
  }
  if (req.state === 'APPROVED' || req.state === 'DENIED' || req.state === 'PROMOTED') {
    throw accessDenied(`the access request has been already ${req.state.toLowerCase()}`);
  }
  const review: SimReview = {
    author: input.author,
    roles: [...(input.roles ?? [])].sort(),
    proposedState: input.proposedState,
    reason: input.reason ?? '',
    created: input.created ?? now,
    ...(input.created && input.createdSubMsNanos
      ? { createdSubMsNanos: input.createdSubMsNanos }
      : {}),
  };
  const reviews = [...req.reviews, review];
  const reviewed = { ...req, reviews, revision: req.revision + 1 };
  if (!thresholdMet(req.thresholds, reviews, review.proposedState)) return reviewed;
  return {
    ...reviewed,
    state: review.proposedState,
    resolveReason: review.reason,
    // A review-based resolution moves the resource expiry to the access expiry (SetExpiry).
    resourceExpires: req.accessExpires,
  };
}

/** Whether the reviews' `proposal`s reach some threshold's count (a count of 0 never does). */
function thresholdMet(
  thresholds: SimThreshold[],
  reviews: SimReview[],
  proposal: RequestState,
): boolean {
  const count = reviews.filter((r) => r.proposedState === proposal).length;
  return thresholds.some((t) => {
    const needed = proposal === 'APPROVED' ? t.approve : t.deny;
    return needed > 0 && count >= needed;
  });
}

/** A request stops being listed at its resource expiry, before the backend purges it. */
export function requestExpired(req: SimAccessRequest, now: Date): boolean {
  return req.resourceExpires.getTime() <= now.getTime();
}

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}
