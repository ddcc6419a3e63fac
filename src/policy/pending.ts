// Judges one pending request on its own, against the policy only, never against what the user
// already holds (user evaluation locks older requests afterwards). A denial is a Decision with
// action 'deny', never an exception. No clock: `now` is only passed through.
import type { AccessRequest } from '../domain/accessRequest';
import { checksRun, makeDecision } from './decision';
import { exemptDecision, exemption } from './exempt';
import { distinctResources } from './holdings';
import { compilePatterns, describeMatches, matchRoles, mixedEnvironmentsReason } from './patterns';
import type { Decision, Policy } from './types';

/**
 * approve, deny, or none (exempt; not pending; compliant while autoApprove is off). The resource
 * limit is checked before environment separation; the first failing check decides.
 */
export function evaluatePending(request: AccessRequest, policy: Policy, _now: Date): Decision {
  const checks = checksRun(policy);
  if (request.state !== 'PENDING') {
    return makeDecision(
      request,
      policy,
      'none',
      'compliant',
      `Request is ${request.state}, not PENDING; nothing to decide`,
      { checks: [] },
    );
  }
  const ex = exemption(request, policy);
  if (ex) return exemptDecision(request, policy, ex);

  const resourceCount = distinctResources(request).length;
  const limit = policy.maxResources;
  if (policy.resourceLimit && resourceCount > limit) {
    return makeDecision(
      request,
      policy,
      'deny',
      'resource-limit',
      `Request contains ${resourceCount} resources, exceeds limit of ${limit}`,
      { checks, resourceCount, limit },
    );
  }
  const matches = policy.roleConflicts
    ? matchRoles(request.roles, compilePatterns(policy.conflictPatterns))
    : [];
  if (matches.length >= 2) {
    return makeDecision(
      request,
      policy,
      'deny',
      'environment-separation',
      mixedEnvironmentsReason(describeMatches(matches)),
      { checks, resourceCount, limit, matches },
    );
  }

  const ran = checks.length > 0 ? `checked: ${checks.join(', ')}` : 'no checks enabled';
  const details =
    matches.length > 0
      ? { checks, resourceCount, limit, matches }
      : { checks, resourceCount, limit };
  if (!policy.autoApprove) {
    return makeDecision(
      request,
      policy,
      'none',
      'compliant',
      `Complies with access policies (${ran}); auto-approval is off, left to human reviewers`,
      details,
    );
  }
  return makeDecision(
    request,
    policy,
    'approve',
    'compliant',
    `Auto-approved: complies with access policies (${ran})`,
    details,
  );
}
