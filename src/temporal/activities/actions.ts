// The approve, deny and lock activities: each one Teleport change, idempotent so Temporal can
// retry it. Approve and deny re-read the request first: one a human resolved meanwhile is left
// alone, and one an earlier attempt already resolved is reported as applied, so no action lands
// twice (review mode: review.ts). A lock is an upsert by a name derived from the request, so a repeat rewrites the same
// lock: no read first.
import type { AccessRequest } from '../../domain/accessRequest';
import { ANNOTATION_DECISION, ANNOTATION_POLICY } from '../../domain/annotations';
import type { ActionInput, ActionOutcome } from '../sweepTypes';
import type { ActivityDeps } from './deps';
import { reviewReason, submitReviewOnce } from './review';
import { toActivityFailure } from './failures';

export function createActionActivities(deps: ActivityDeps) {
  const resolve = async (
    input: ActionInput,
    state: 'APPROVED' | 'DENIED',
  ): Promise<ActionOutcome> => {
    const { decision } = input;
    const log = deps.log.child({ requestId: decision.requestId, user: decision.user });
    const client = deps.teleport();
    try {
      const current = await client.getAccessRequest(decision.requestId);
      const review = input.reviewMode === 'review';
      const ours = review ? reviewReason(decision) : decision.reason;
      const unchanged = alreadyResolved(current, ours, state);
      if (unchanged || !current) return unchanged ?? gone();
      let outcome: ActionOutcome;
      if (review) {
        outcome = await submitReviewOnce(client, current, decision, state);
      } else {
        await client.setRequestState({
          id: decision.requestId,
          state,
          reason: decision.reason,
          annotations: {
            [ANNOTATION_POLICY]: [decision.policy],
            [ANNOTATION_DECISION]: [decision.id],
          },
        });
        outcome = { status: 'applied', detail: `${state} via state change`, requestState: state };
      }
      deps.metrics?.actions.inc({ action: decision.action, status: outcome.status });
      log.info(
        outcome.requestState === state
          ? `request ${state.toLowerCase()}`
          : `request not ${state.toLowerCase()}`,
        { reason: decision.reason, outcome: outcome.detail },
      );
      return outcome;
    } catch (err) {
      deps.metrics?.actions.inc({ action: decision.action, status: 'error' });
      throw err;
    }
  };

  const lock = async (input: ActionInput): Promise<ActionOutcome> => {
    const { decision } = input;
    const spec = decision.details.lock;
    if (!spec) return { status: 'failed', detail: 'lock decision without a lock specification' };
    const client = deps.teleport();
    try {
      const expires = spec.expires ? new Date(spec.expires) : undefined;
      if (expires && expires.getTime() <= (deps.now?.() ?? new Date()).getTime()) {
        return { status: 'skipped', detail: 'request already expired; no lock needed' };
      }
      await client.upsertLock({
        name: spec.name,
        target: { accessRequest: decision.requestId },
        message: spec.message,
        ...(expires ? { expires } : {}),
      });
      deps.metrics?.actions.inc({ action: 'lock', status: 'applied' });
      deps.log.info('request locked', {
        requestId: decision.requestId,
        user: decision.user,
        lock: spec.name,
      });
      return { status: 'applied', detail: `lock ${spec.name} until ${spec.expires ?? 'removed'}` };
    } catch (err) {
      deps.metrics?.actions.inc({ action: 'lock', status: 'error' });
      throw err;
    }
  };

  return {
    approveRequest: naming((input) => resolve(input, 'APPROVED')),
    denyRequest: naming((input) => resolve(input, 'DENIED')),
    lockRequest: naming(lock),
  };
}

/**
 * Every outcome and failure names its decision: the history marker of a local activity holds
 * its result but not its input, and this is how the decision log pairs them.
 */
function naming(
  act: (input: ActionInput) => Promise<ActionOutcome>,
): (input: ActionInput) => Promise<ActionOutcome> {
  return async (input) => {
    const decisionId = input.decision.id;
    try {
      return { ...(await act(input)), decisionId };
    } catch (err) {
      throw toActivityFailure(err, { decisionId });
    }
  };
}

/**
 * The outcome when the request needs no call: resolved by a human, or by an earlier try (whose
 * reason is ours: `reason` is what this mode writes).
 */
function alreadyResolved(
  current: AccessRequest | undefined,
  reason: string,
  wanted: 'APPROVED' | 'DENIED',
): ActionOutcome | undefined {
  if (!current || current.state === 'PENDING') return undefined;
  const requestState =
    current.state === 'APPROVED' || current.state === 'DENIED' ? current.state : undefined;
  const known = requestState ? { requestState } : {};
  if (current.state === wanted && current.resolveReason === reason) {
    return { status: 'applied', detail: `${wanted} by an earlier attempt`, ...known };
  }
  const why = current.resolveReason ? `: ${current.resolveReason}` : '';
  return { status: 'skipped', detail: `already ${current.state} by someone else${why}`, ...known };
}

function gone(): ActionOutcome {
  return { status: 'skipped', detail: 'request no longer exists (expired or deleted)' };
}
