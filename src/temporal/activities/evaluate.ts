// The evaluation activities: one per pending request, one per user. Each returns Decisions, so
// every decision and its reason is recorded in the sweep's history. Judgement is the pure policy
// engine; this file only gathers its inputs and logs what it said.
import { evaluatePending, evaluateUser, applyDecisions, userDeadlines } from '../../policy';
import { engineVerdict, leftToHumans } from '../../policy/agreement';
import { compareRequest, compareUser, type ShadowDisagreement } from '../../policy/shadow';
import type { Decision } from '../../policy/types';
import type { AccessRequest } from '../../domain/accessRequest';
import type { Lock } from '../../domain/lock';
import { requestFromJson } from '../requestJson';
import type {
  EvaluateRequestInput,
  EvaluateUserInput,
  RequestEvaluation,
  UserEvaluation,
} from '../sweepTypes';
import type { ActivityDeps } from './deps';
import { asActivityFailure } from './failures';
import { deletedWatcherLocks, userFingerprint } from './holdingsFingerprint';

export function createEvaluateActivities(deps: ActivityDeps) {
  const logDecision = (d: Decision): void => {
    deps.metrics?.decisions.inc({ action: d.action, policy: d.policy });
    deps.log.info('decision', {
      decisionId: d.id,
      requestId: d.requestId,
      user: d.user,
      action: d.action,
      policy: d.policy,
      reason: d.reason,
      dryRun: d.dryRun === true,
    });
  };

  // Shadow mode: the candidate's decisions are logged and counted where they differ, never acted on.
  const logShadow = (found: ShadowDisagreement[], version: string): void => {
    for (const d of found) {
      deps.metrics?.shadowDisagreements.inc({ policy: d.shadow.policy });
      deps.log.info('shadow disagreement', {
        requestId: d.requestId,
        user: d.user,
        shadowVersion: version,
        live: `${d.live.action} (${d.live.policy})`,
        shadow: `${d.shadow.action} (${d.shadow.policy})`,
      });
    }
  };

  async function evaluateRequest(input: EvaluateRequestInput): Promise<RequestEvaluation> {
    await Promise.resolve();
    const request = requestFromJson(input.request);
    const now = new Date(input.now);
    const decision = evaluatePending(request, input.policy, now);
    logDecision(decision);
    const result: RequestEvaluation = { ...decision };
    if (input.shadow) {
      const shadow = compareRequest(decision, evaluatePending(request, input.shadow.policy, now));
      if (shadow) {
        logShadow([shadow], input.shadow.version);
        result.shadow = shadow;
      }
    }
    const left = leftToHumans(request, decision, input.policy);
    if (left) {
      result.leftToHumans = {
        requestId: request.id,
        user: request.user,
        leftBecause: left,
        leftAt: input.now,
        engine: engineVerdict(request, input.policy, now),
      };
    }
    return result;
  }

  async function evaluateUserActivity(input: EvaluateUserInput): Promise<UserEvaluation> {
    const now = deps.now?.() ?? new Date();
    const client = deps.teleport();
    const requests = await client.listAccessRequests({ user: input.user }).catch(asActivityFailure);
    const approvedIds = requests.filter((r) => r.state === 'APPROVED').map((r) => r.id);
    // Only locks in force matter; ended ones a cluster keeps (until their metadata expiry) are
    // left on the server.
    const locks =
      approvedIds.length === 0
        ? []
        : await client
            .getLocks({
              targets: approvedIds.map((id) => ({ accessRequest: id })),
              inForceOnly: true,
            })
            .catch(asActivityFailure);
    const decisions = withRecreatedLocks(input, requests, locks, now);
    decisions.forEach(logDecision);
    // In dry-run nothing changes, so the current holdings are what the next sweep will see.
    const projected = input.policy.dryRun
      ? { now, requests, locks }
      : applyDecisions({ now, requests, locks }, decisions);
    // Deadlines of the holdings these decisions leave (a request locked now has none), with the
    // same snapshot and `now`: the watcher wakes at the earliest and evaluates the user again.
    const [nextDeadline] = userDeadlines(
      input.user,
      projected.requests,
      projected.locks,
      input.policy,
      now,
    );
    // The shadow sees the same holdings; its locks are compared, never made.
    const shadow = input.shadow
      ? compareUser(
          decisions,
          withRecreatedLocks({ ...input, policy: input.shadow.policy }, requests, locks, now),
        )
      : [];
    if (input.shadow) logShadow(shadow, input.shadow.version);
    return {
      decisions,
      fingerprint: userFingerprint(input.user, projected.requests, projected.locks, now),
      ...(nextDeadline ? { nextDeadline } : {}),
      ...(shadow.length > 0 ? { shadow } : {}),
    };
  }

  return { evaluateRequest, evaluateUser: evaluateUserActivity };
}

/**
 * The user's decisions; a lock the watcher made before and someone deleted (told by the previous
 * fingerprint) is judged again as a recreation, so its message says why it is back.
 */
function withRecreatedLocks(
  input: EvaluateUserInput,
  requests: AccessRequest[],
  locks: Lock[],
  now: Date,
): Decision[] {
  const first = evaluateUser(input.user, requests, locks, input.policy, now);
  const toLock = first.filter((d) => d.action === 'lock').map((d) => d.requestId);
  const deleted = deletedWatcherLocks(input.fingerprint, input.user, requests, locks, now, toLock);
  if (deleted.length === 0) return first;
  return evaluateUser(input.user, requests, locks, input.policy, now, deleted);
}
