// The rules' names, in registry order. Kept apart from registry.ts so that types.ts (the names a
// Decision carries) needs nothing that imports it back: no import cycle inside src/policy.
// registry.ts checks at compile time that RULES carries exactly these names, in this order.

export const RULE_NAMES = [
  'resource-limit',
  'environment-separation',
  'environment-cap',
  'environment-window',
  'request-reason',
  'max-access',
  'budget',
] as const;

export type RuleName = (typeof RULE_NAMES)[number];
