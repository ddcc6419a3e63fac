// Agreement with humans: where the watcher leaves a request to humans (auto-approval off, an
// exemption, an escalation) it notes what its engine would have decided, and when a human then
// approves or denies the request the two are set side by side. The rate of agreement is what
// earns an administrator the confidence to turn auto-approval on. Pure: `now` is an argument.
import { resolvedByWatcher } from '../domain/annotations';
import type { AccessRequest } from '../domain/accessRequest';
import { evaluatePending } from './pending';
import type { Decision, Policy, PolicyName } from './types';

/** Why the watcher left a request to humans. */
export type LeftBecause = 'auto-approve off' | 'exempt' | 'escalated';

/** What the engine decides with auto-approval on and no exemption or escalation. */
export interface EngineVerdict {
  action: 'approve' | 'deny';
  policy: PolicyName;
  reason: string;
}

/** A request left to humans, remembered until a human decides it or Teleport drops it. */
export interface AwaitingHuman {
  requestId: string;
  user: string;
  leftBecause: LeftBecause;
  /** RFC 3339: the sweep that left it to humans. */
  leftAt: string;
  engine: EngineVerdict;
}

/** A human's approval or denial of a request the watcher left to humans, beside the engine's. */
export interface HumanDecision extends AwaitingHuman {
  human: 'approve' | 'deny';
  /** Authors of the reviews that proposed the state the request reached; empty when it was set directly. */
  reviewers: string[];
  /** The resolve reason, as the human gave it. */
  humanReason?: string;
  agrees: boolean;
}

/** Why the decision leaves a pending request to humans, or undefined when the watcher decides it. */
export function leftToHumans(
  request: Pick<AccessRequest, 'state'>,
  decision: Decision,
  policy: Policy,
): LeftBecause | undefined {
  if (request.state !== 'PENDING') return undefined;
  if (decision.action === 'escalate') return 'escalated';
  if (decision.action !== 'none') return undefined;
  if (decision.policy === 'exempt') return 'exempt';
  return policy.autoApprove ? undefined : 'auto-approve off';
}

/**
 * The engine's own verdict on a pending request: the live policy as if auto-approval were on and
 * nothing were exempt. An escalation means every rule let the request through but asked for a
 * human, so without it the engine approves.
 */
export function engineVerdict(request: AccessRequest, policy: Policy, now: Date): EngineVerdict {
  const engine: Policy = { ...policy, autoApprove: true, exempt: { users: [], roles: [] } };
  const d = evaluatePending(request, engine, now);
  if (d.action === 'deny') return { action: 'deny', policy: d.policy, reason: d.reason };
  if (d.action === 'escalate')
    return { action: 'approve', policy: 'compliant', reason: `no rule denies it (${d.reason})` };
  return { action: 'approve', policy: d.policy, reason: d.reason };
}

/**
 * What a human decided about a request left to them, once it is APPROVED or DENIED by someone
 * other than the watcher; undefined while it is pending, or when it went another way. The
 * reviewers are the authors of the reviews that proposed that state (Teleport's types.proto:
 * AccessRequestSpecV3.Reviews = 12, AccessReview.Author = 1, ProposedState = 3, read in
 * src/teleport/convert.ts); a state set directly (tctl request approve) names no reviewer.
 */
export function humanDecision(
  awaiting: AwaitingHuman,
  request: AccessRequest,
): HumanDecision | undefined {
  if (request.state !== 'APPROVED' && request.state !== 'DENIED') return undefined;
  if (resolvedByWatcher(request.resolveAnnotations)) return undefined;
  const human = request.state === 'APPROVED' ? 'approve' : 'deny';
  const reviewers = [
    ...new Set(
      request.reviews.filter((r) => r.proposedState === request.state).map((r) => r.author),
    ),
  ].sort();
  return {
    ...awaiting,
    human,
    reviewers,
    ...(request.resolveReason ? { humanReason: request.resolveReason } : {}),
    agrees: awaiting.engine.action === human,
  };
}

export interface AgreementReport {
  decided: number;
  agreed: number;
  /** agreed / decided, 0 to 1; undefined when humans decided nothing yet. */
  rate?: number;
  approvedByHumans: number;
  deniedByHumans: number;
  /** The human decisions the engine would have made otherwise, oldest first. */
  differ: HumanDecision[];
}

/** The agreement rate over human decisions; a request decided twice counts once (the last). */
export function agreementReport(decisions: HumanDecision[]): AgreementReport {
  const last = new Map(decisions.map((d) => [d.requestId, d]));
  const all = [...last.values()];
  const agreed = all.filter((d) => d.agrees).length;
  return {
    decided: all.length,
    agreed,
    ...(all.length > 0 ? { rate: agreed / all.length } : {}),
    approvedByHumans: all.filter((d) => d.human === 'approve').length,
    deniedByHumans: all.filter((d) => d.human === 'deny').length,
    differ: all.filter((d) => !d.agrees),
  };
}
