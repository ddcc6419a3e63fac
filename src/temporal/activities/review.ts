// Resolving a request by review (--review-mode=review), as Teleport's access plugins do: one
// review by the watcher's own user, its reason naming the rule. Teleport refuses annotations on a
// review and a second review by the same author, and a role's `request.thresholds` may need more
// approvals than ours: so the request's reviews are read first, a repeat is never sent, and a
// review that leaves the request PENDING is reported as such, not as an approval.
import type { AccessRequest, AccessReview } from '../../domain/accessRequest';
import { ANNOTATION_DECISION, ANNOTATION_POLICY } from '../../domain/annotations';
import type { Decision } from '../../policy/types';
import { isTeleportError } from '../../teleport/errors';
import type { TeleportClient } from '../../teleport/types';
import type { ActionOutcome } from '../sweepTypes';

type Verdict = 'APPROVED' | 'DENIED';

/**
 * The review's reason: the decision's, then what state mode puts in annotations (Teleport
 * refuses annotations on reviews: NotImplemented), so a reader can still trace the decision.
 */
export function reviewReason(decision: Decision): string {
  return `${decision.reason} [${ANNOTATION_POLICY}=${decision.policy} ${ANNOTATION_DECISION}=${decision.id}]`;
}

/** Submits the watcher's review unless it must not; `current` is the request, still PENDING. */
export async function submitReviewOnce(
  client: TeleportClient,
  current: AccessRequest,
  decision: Decision,
  verdict: Verdict,
): Promise<ActionOutcome> {
  const me = client.callerName();
  const skip = reasonToSkip(current, me, verdict);
  if (skip) return skip;
  let updated: AccessRequest;
  try {
    updated = await client.submitReview({
      requestId: current.id,
      state: verdict,
      reason: reviewReason(decision),
    });
  } catch (err) {
    // Someone reviewed or resolved it between our read and our review (Teleport answers
    // AccessDenied): read it again and report what happened, from its data.
    if (!isTeleportError(err, 'AccessDenied')) throw err;
    const now = await client.getAccessRequest(current.id);
    const after = now && (now.state === 'PENDING' ? reasonToSkip(now, me, verdict) : resolved(now));
    if (after) return after;
    throw err;
  }
  if (updated.state === 'PENDING') {
    return {
      status: 'applied',
      detail: `review ${verdict} submitted; request still PENDING: its roles need more approvals (${approvals(updated)})`,
      requestState: 'PENDING',
    };
  }
  return {
    status: 'applied',
    detail: `${updated.state} via review`,
    requestState: updated.state === 'APPROVED' ? 'APPROVED' : 'DENIED',
  };
}

/**
 * Why no review is due: the watcher reviewed it already (Teleport would refuse a second), or,
 * for an approval, a human has reviewed it (their call stands; a denial still goes in, since a
 * policy violation is denied whoever approved it).
 */
function reasonToSkip(
  request: AccessRequest,
  me: string,
  verdict: Verdict,
): ActionOutcome | undefined {
  const mine = request.reviews.find((r) => r.author === me);
  if (mine) {
    return {
      status: 'skipped',
      detail: `already reviewed by ${me} (${mine.proposedState}); request still PENDING, waiting for other reviewers (${approvals(request)})`,
      requestState: 'PENDING',
    };
  }
  const others = request.reviews.filter((r) => r.author !== me);
  if (verdict === 'APPROVED' && others.length > 0) {
    return {
      status: 'skipped',
      detail: `already reviewed by ${describe(others)}; left to human reviewers`,
      requestState: 'PENDING',
    };
  }
  return undefined;
}

function resolved(request: AccessRequest): ActionOutcome | undefined {
  if (request.state !== 'APPROVED' && request.state !== 'DENIED') return undefined;
  return {
    status: 'skipped',
    detail: `already ${request.state} by someone else${request.resolveReason ? `: ${request.resolveReason}` : ''}`,
    requestState: request.state,
  };
}

function approvals(request: AccessRequest): string {
  const n = request.reviews.filter((r) => r.proposedState === 'APPROVED').length;
  return n === 1 ? '1 approval so far' : `${n} approvals so far`;
}

function describe(reviews: AccessReview[]): string {
  return reviews.map((r) => `${r.author} (${r.proposedState})`).join(', ');
}
