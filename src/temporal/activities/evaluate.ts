// The evaluation activities: one per pending request, one per user. Each returns Decisions, so
// every decision and its reason is recorded in the sweep's history. Judgement is the pure policy
// engine; this file only gathers its inputs and logs what it said.
import { applyDecisions, userDeadlines } from '../../policy';
import { engineVerdict, leftToHumans } from '../../policy/agreement';
import {
  judge,
  judgePending,
  pendingInputs,
  userInputs,
  type UserInputs,
} from '../../policy/inputs';
import { observeUsage, usageReport } from '../../policy/ledger';
import { compareRequest, compareUser, type ShadowDisagreement } from '../../policy/shadow';
import type { Decision, Policy } from '../../policy/types';
import type { UserUsage } from '../../policy/usage';
import { policyVersion } from '../../policy/version';
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
    const request = requestFromJson(input.request);
    const now = new Date(input.now);
    let usage: UserUsage | undefined;
    if (input.ledger) {
      // A budget counts what the user holds now and held before: the sweep judges a user's
      // requests one after the other, so an approval a moment ago is in Teleport already.
      const { requests, locks } = await readUser(request.user);
      usage = observeUsage(
        input.ledger.recorded,
        request.user,
        requests,
        locks,
        input.policy,
        now,
        input.ledger.since,
      );
    }
    // The decision travels with its policy version and inputs, so the history can reproduce it.
    const inputs = { ...pendingInputs(input.request, now), ...(usage ? { usage } : {}) };
    const decision = judgePending(inputs, input.policy);
    logDecision(decision);
    const result: RequestEvaluation = {
      ...decision,
      policyVersion: policyVersion(input.policy),
      inputs,
    };
    if (input.shadow) {
      const shadow = compareRequest(decision, judgePending(inputs, input.shadow.policy));
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

  /** The user's requests, and the locks in force on their approved ones. */
  async function readUser(user: string): Promise<{ requests: AccessRequest[]; locks: Lock[] }> {
    const client = deps.teleport();
    const requests = await client.listAccessRequests({ user }).catch(asActivityFailure);
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
    return { requests, locks };
  }

  async function evaluateUserActivity(input: EvaluateUserInput): Promise<UserEvaluation> {
    const now = deps.now?.() ?? new Date();
    const { requests, locks } = await readUser(input.user);
    const ledger = input.ledger;
    const observed = ledger
      ? observeUsage(ledger.recorded, input.user, requests, locks, input.policy, now, ledger.since)
      : undefined;
    const { inputs, decisions } = judgedUser(input, requests, locks, now, observed);
    decisions.forEach(logDecision);
    // In dry-run nothing changes, so the current holdings are what the next sweep will see.
    const projected = input.policy.dryRun
      ? { now, requests, locks }
      : applyDecisions({ now, requests, locks }, decisions);
    // The ledger as these decisions leave it (a lock made now ends its access now): the user is
    // evaluated again only when their holdings change, and these locks change nothing more.
    const usage =
      ledger && observed
        ? observeUsage(
            observed,
            input.user,
            projected.requests,
            projected.locks,
            input.policy,
            now,
            ledger.since,
          )
        : undefined;
    if (usage) observeBudgetUse(usage, input.policy, now);
    // Deadlines of the holdings these decisions leave (a request locked now has none), with the
    // same snapshot and `now`: the watcher wakes at the earliest and evaluates the user again.
    const [nextDeadline] = userDeadlines(
      input.user,
      projected.requests,
      projected.locks,
      input.policy,
      now,
      usage,
    );
    // The shadow sees the same holdings; its locks are compared, never made.
    const shadow = input.shadow ? compareUser(decisions, judge(inputs, input.shadow.policy)) : [];
    if (input.shadow) logShadow(shadow, input.shadow.version);
    return {
      decisions,
      fingerprint: userFingerprint(input.user, projected.requests, projected.locks, now),
      ...(nextDeadline ? { nextDeadline } : {}),
      ...(shadow.length > 0 ? { shadow } : {}),
      ...(usage && !sameUsage(ledger?.recorded, usage) ? { ledgerWrite: usage } : {}),
      policyVersion: policyVersion(input.policy),
      inputs,
    };
  }

  function observeBudgetUse(usage: UserUsage, policy: Policy, now: Date): void {
    if (!deps.metrics) return;
    for (const env of usageReport(usage, policy, now)) {
      for (const b of env.budgets) {
        if (b.allowed > 0)
          deps.metrics.budgetUse.observe(
            { environment: env.environment, kind: b.kind },
            b.used / b.allowed,
          );
      }
    }
  }

  return { evaluateRequest, evaluateUser: evaluateUserActivity };
}

/** Whether writing `usage` would change the recorded ledger (none recorded and no use: no). */
function sameUsage(recorded: UserUsage | undefined, usage: UserUsage): boolean {
  if (!recorded) return usage.spans.length === 0;
  return JSON.stringify(recorded.spans) === JSON.stringify(usage.spans);
}

/**
 * What the user is judged on, and the judgement. A lock the watcher made before and someone
 * deleted (told by the previous fingerprint) is among the previous watcher locks, so its message
 * says why it is back; only then is the user judged a second time.
 */
function judgedUser(
  input: EvaluateUserInput,
  requests: AccessRequest[],
  locks: Lock[],
  now: Date,
  usage: UserUsage | undefined,
): { inputs: UserInputs; decisions: Decision[] } {
  const withUsage = (inputs: UserInputs): UserInputs => (usage ? { ...inputs, usage } : inputs);
  const first = withUsage(userInputs(input.user, requests, locks, now));
  const firstDecisions = judge(first, input.policy);
  const toLock = firstDecisions.filter((d) => d.action === 'lock').map((d) => d.requestId);
  const deleted = deletedWatcherLocks(input.fingerprint, input.user, requests, locks, now, toLock);
  if (deleted.length === 0) return { inputs: first, decisions: firstDecisions };
  const inputs = withUsage(userInputs(input.user, requests, locks, now, deleted));
  return { inputs, decisions: judge(inputs, input.policy) };
}
