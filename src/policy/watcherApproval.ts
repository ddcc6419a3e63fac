// Whether jit-watcher itself approved a request, from what the request carries: in state mode the
// resolve annotations it writes (src/domain/annotations.ts), in review mode the `[jit-watcher/policy=...
// jit-watcher/decision=...]` suffix of its review (src/temporal/activities/review.ts). The time
// rules take back only access the watcher granted: a human's approval is the human's call.
import type { AccessRequest } from '../domain/accessRequest';
import { ANNOTATION_DECISION, ANNOTATION_POLICY, resolvedByWatcher } from '../domain/annotations';

const REVIEW_SUFFIX = new RegExp(
  `\\[${escape(ANNOTATION_POLICY)}=\\S+ ${escape(ANNOTATION_DECISION)}=\\S+/approve/\\S+\\]$`,
);

export function approvedByWatcher(request: AccessRequest): boolean {
  if (request.state !== 'APPROVED') return false;
  if (resolvedByWatcher(request.resolveAnnotations)) return true;
  return request.reviews.some(
    (r) => r.proposedState === 'APPROVED' && REVIEW_SUFFIX.test(r.reason),
  );
}

/** The request as it is once the watcher's approval `decisionId` is applied in state mode. */
export function markApprovedByWatcher(request: AccessRequest, decisionId: string): AccessRequest {
  return {
    ...request,
    state: 'APPROVED',
    resolveAnnotations: { ...request.resolveAnnotations, [ANNOTATION_DECISION]: [decisionId] },
  };
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
