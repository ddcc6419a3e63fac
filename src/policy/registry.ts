// The one list of policy rules. Its order is the order rules judge a pending request (the first
// denial decides), the order of every "checked: ..." list, and, within each holdings phase, the
// order they walk a user's holdings. Adding a rule: its file, its table test, one line here.
import { capsRule } from './caps';
import { resourceLimitRule } from './resourceLimit';
import type { Rule } from './rule';
import { separationRule } from './separation';
import type { Policy } from './types';

export const RULES = [resourceLimitRule, separationRule, capsRule] as const;

/** The names decisions carry, derived from the list so it is never edited by hand. */
export type RuleName = (typeof RULES)[number]['name'];

/** The rules the policy turns on, in registry order. */
export function enabledRules(policy: Policy): Rule<RuleName>[] {
  return RULES.filter((rule) => rule.enabled(policy));
}

/** The checks the policy turns on, in the order they run; shown in every decision's details. */
export function checksRun(policy: Policy): RuleName[] {
  return enabledRules(policy).map((rule) => rule.name);
}

/** Enabled rules in the order they walk a user's holdings: 'exclude' phase, then 'count'. */
export function holdingsOrder(policy: Policy): Rule<RuleName>[] {
  const rules = enabledRules(policy);
  return [
    ...rules.filter((rule) => rule.holdingsPhase === 'exclude'),
    ...rules.filter((rule) => rule.holdingsPhase === 'count'),
  ];
}
