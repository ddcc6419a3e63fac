// The one list of policy rules. Its order is the order rules judge a pending request (the first
// denial decides, else the first escalation), the order of every "checked: ..." list, and, within
// each holdings phase, the order they walk a user's holdings. Adding a rule: its file, its table
// test, its name in ruleNames.ts, one line here.
import { budgetRule } from './budgetRule';
import { capsRule } from './caps';
import { ENVIRONMENTS_OPTION } from './environments';
import { maxAccessRule } from './maxAccess';
import { reasonRule } from './reasonRule';
import { resourceLimitRule } from './resourceLimit';
import type { Rule, RuleOption } from './rule';
import { RULE_NAMES, type RuleName } from './ruleNames';
import { separationRule } from './separation';
import type { Policy } from './types';
import { windowRule } from './windowRule';

export const RULES = [
  resourceLimitRule,
  separationRule,
  capsRule,
  windowRule,
  reasonRule,
  maxAccessRule,
  budgetRule,
] as const;

// Compile-time: RULES carries exactly RULE_NAMES, in order (types.ts reads the names from there).
type Names<T extends readonly { name: string }[]> = { [K in keyof T]: T[K]['name'] };
const sameNames: Names<typeof RULES> = RULE_NAMES;
void sameNames;

export type { RuleName } from './ruleNames';

/** Settings every rule's options table rows come from, then the one several rules share. */
export const POLICY_OPTIONS: readonly RuleOption[] = [
  ...RULES.flatMap((rule) => rule.options),
  ENVIRONMENTS_OPTION,
];

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
