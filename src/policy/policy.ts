// The default policy and its validation, shared by config loading and the setPolicy signal so a
// bad policy is refused at the door with every problem named. Never throws: problems are returned.
import { RULES } from './registry';
import type { Problem } from './rule';
import type { Policy } from './types';
import { checkBoolean, isRecord, isStringList, show } from './validation';

/** A policy key as problems name it; nested exempt lists get their own names. */
export type PolicyKey =
  Exclude<keyof Policy, 'exempt'> | 'exempt' | 'exempt.users' | 'exempt.roles';

/** The published behaviour: three resources, prod and research kept apart, auto-approve on. */
export function defaultPolicy(): Policy {
  return {
    maxResources: 3,
    resourceLimit: true,
    roleConflicts: true,
    conflictPatterns: ['prod', 'research'],
    autoApprove: true,
    dryRun: false,
    exempt: { users: [], roles: [] },
    roleRequestWeight: 0,
    reviewMode: 'state',
  };
}

/** Frozen so a caller that mutates it fails loudly; use defaultPolicy() for a copy to change. */
export const DEFAULT_POLICY: Policy = deepFreeze(defaultPolicy());

/** The published keys, then each rule's own (caps.ts's `caps`), as unknown-key messages list them. */
const KEYS: readonly string[] = [
  ...new Set([
    ...Object.keys(DEFAULT_POLICY),
    ...RULES.flatMap((rule) => rule.options.map((o) => o.key.split('.')[0] ?? o.key)),
  ]),
];

/**
 * Every problem with p, one line each, naming the key (through nameOf, so config can say `-m`
 * or `JIT_WATCHER_MAX_RESOURCES` instead of `maxResources`), the bad value and the fix. Each
 * rule checks its own keys, in registry order; then the settings every rule shares.
 */
export function validatePolicy(
  p: unknown,
  nameOf: (key: PolicyKey) => string = (key) => key,
): string[] {
  if (!isRecord(p)) return [`policy: must be an object, got ${show(p)}`];
  const problems: string[] = [];
  const problem = (key: PolicyKey, message: string) => problems.push(`${nameOf(key)}: ${message}`);

  for (const key of Object.keys(p)) {
    if (!KEYS.includes(key)) {
      problems.push(`policy.${key}: unknown key; valid keys are ${KEYS.join(', ')}`);
    }
  }
  for (const rule of RULES) rule.validate(p, problem, nameOf);
  checkBoolean(p, 'autoApprove', problem);
  checkBoolean(p, 'dryRun', problem);
  if (p.reviewMode !== 'state' && p.reviewMode !== 'review') {
    problem('reviewMode', `must be "state" or "review", got ${show(p.reviewMode)}`);
  }
  checkExempt(p.exempt, problem);
  return problems;
}

function checkExempt(exempt: unknown, problem: Problem): void {
  if (!isRecord(exempt)) {
    problem('exempt', `must be an object with users and roles lists, got ${show(exempt)}`);
    return;
  }
  for (const key of ['users', 'roles'] as const) {
    const list = exempt[key];
    if (!isStringList(list) || list.some((s) => s === '')) {
      problem(`exempt.${key}`, `must be a list of non-empty strings, got ${show(list)}`);
    }
  }
  for (const key of Object.keys(exempt)) {
    if (key !== 'users' && key !== 'roles')
      problem('exempt', `unknown key ${show(key)}; use users or roles`);
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
