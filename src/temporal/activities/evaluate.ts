// The evaluation activities: one per pending request, one per user. Each returns Decisions, so
// every decision and its reason is recorded in the sweep's history. Judgement is the pure policy
// engine; this file only gathers its inputs and logs what it said.
import { applyDecisions, userDeadlines } from '../../policy';
import {
  judge,
  judgePending,
  pendingInputs,
  userInputs,
  type UserInputs,
} from '../../policy/inputs';
import type { Decision } from '../../policy/types';
import { policyVersion } from '../../policy/version';
import type { AccessRequest } from '../../domain/accessRequest';
import type { Lock } from '../../domain/lock';
import type {
  EvaluateRequestInput,
  EvaluateUserInput,
  JudgedRequest,
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

  // The decision travels with its policy version and inputs, so the history can reproduce it.
  async function evaluateRequest(input: EvaluateRequestInput): Promise<JudgedRequest> {
    await Promise.resolve();
    const inputs = pendingInputs(input.request, new Date(input.now));
    const decision = judgePending(inputs, input.policy);
    logDecision(decision);
    return { ...decision, policyVersion: policyVersion(input.policy), inputs };
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
    const inputs = judgedInputs(input, requests, locks, now);
    const decisions = judge(inputs, input.policy);
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
    return {
      decisions,
      fingerprint: userFingerprint(input.user, projected.requests, projected.locks, now),
      ...(nextDeadline ? { nextDeadline } : {}),
      policyVersion: policyVersion(input.policy),
      inputs,
    };
  }

  return { evaluateRequest, evaluateUser: evaluateUserActivity };
}

/**
 * What the user is judged on; a lock the watcher made before and someone deleted (told by the
 * previous fingerprint) is among the previous watcher locks, so its message says why it is back.
 */
function judgedInputs(
  input: EvaluateUserInput,
  requests: AccessRequest[],
  locks: Lock[],
  now: Date,
): UserInputs {
  const first = userInputs(input.user, requests, locks, now);
  const toLock = judge(first, input.policy)
    .filter((d) => d.action === 'lock')
    .map((d) => d.requestId);
  const deleted = deletedWatcherLocks(input.fingerprint, input.user, requests, locks, now, toLock);
  return deleted.length === 0 ? first : userInputs(input.user, requests, locks, now, deleted);
}
