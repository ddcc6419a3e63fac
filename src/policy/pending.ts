// Judges one pending request on its own, against the policy only, never against what the user
// already holds (user evaluation locks older requests afterwards). The rules run in registry order
// and the first denial decides. A denial is a Decision with action 'deny', never an exception.
import type { AccessRequest } from '../domain/accessRequest';
import { makeDecision } from './decision';
import { exemptDecision, exemption } from './exempt';
import { enabledRules, type RuleName } from './registry';
import type { Facts, RuleContext } from './rule';
import type { Decision, Policy } from './types';
import type { UserUsage } from './usage';

/**
 * approve, deny, escalate (left to humans by a rule, recorded), or none (exempt; not pending;
 * compliant while autoApprove is off). The first denial decides, since a violation is denied
 * whatever else holds; else the first escalation; else approval, its reason carrying the rules'
 * notes. Details carry the checks run and the figures of every rule that judged the request, up
 * to the one that denied. `usage`: the requester's ledger observed at `now` (budgets).
 */
export function evaluatePending(
  request: AccessRequest,
  policy: Policy,
  now: Date,
  usage?: UserUsage,
): Decision {
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

  const rules = enabledRules(policy);
  const checks = rules.map((rule) => rule.name);
  const context: RuleContext = usage
    ? { now, policy, holdings: [], usage }
    : { now, policy, holdings: [] };
  let facts: Facts = {};
  let escalation: { rule: RuleName; reason: string } | undefined;
  const notes: string[] = [];
  for (const rule of rules) {
    const verdict = rule.pending(request, context);
    facts = { ...facts, ...verdict.facts };
    if (verdict.deny !== undefined) {
      return makeDecision(request, policy, 'deny', rule.name, verdict.deny, { checks, ...facts });
    }
    if (verdict.escalate !== undefined)
      escalation ??= { rule: rule.name, reason: verdict.escalate };
    if (verdict.note !== undefined) notes.push(verdict.note);
  }
  if (escalation) {
    return makeDecision(request, policy, 'escalate', escalation.rule, escalation.reason, {
      checks,
      ...facts,
    });
  }

  const ran = checks.length > 0 ? `checked: ${checks.join(', ')}` : 'no checks enabled';
  if (!policy.autoApprove) {
    return makeDecision(
      request,
      policy,
      'none',
      'compliant',
      `Complies with access policies (${ran}); auto-approval is off, left to human reviewers`,
      { checks, ...facts },
    );
  }
  return makeDecision(
    request,
    policy,
    'approve',
    'compliant',
    ['Auto-approved: complies with access policies (' + ran + ')', ...notes].join('; '),
    { checks, ...facts },
  );
}
