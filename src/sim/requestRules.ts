// Teleport's access-request state rules as pure functions over SimAccessRequest: state changes
// (api/types/access_request.go SetState, lib/services/local/dynamic_access.go) and reviews
// (lib/services/access_request.go ApplyAccessReview). No storage, no clock, no caller checks:
// the store applies these under its own write, the server checks who may call.
import { accessDenied, badParameter, SimError } from './errors';
import type { Annotations, RequestState, SimAccessRequest, SimReview } from './model';

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
 * The request with the review appended, resolved when it meets the threshold. The sim keeps
 * Teleport's default threshold only: one approval approves, one denial denies.
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
  };
  return {
    ...req,
    reviews: [...req.reviews, review],
    state: review.proposedState,
    resolveReason: review.reason,
    // Any review-based resolution moves the resource expiry to the access expiry.
    resourceExpires: req.accessExpires,
    revision: req.revision + 1,
  };
}

/** A request stops being listed at its resource expiry, before the backend purges it. */
export function requestExpired(req: SimAccessRequest, now: Date): boolean {
  return req.resourceExpires.getTime() <= now.getTime();
}

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}
