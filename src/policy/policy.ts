// The default policy and its validation, shared by config loading and the setPolicy signal so a
// bad policy is refused at the door with every problem named. Never throws: problems are returned.
import { findBadPattern } from './patterns';
import type { Policy } from './types';

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

const KEYS: readonly string[] = Object.keys(DEFAULT_POLICY);

/**
 * Every problem with p, one line each, naming the key (through nameOf, so config can say `-m`
 * or `JIT_WATCHER_MAX_RESOURCES` instead of `maxResources`), the bad value and the fix.
 */
export function validatePolicy(
  p: unknown,
  nameOf: (key: PolicyKey) => string = (key) => key,
): string[] {
  if (!isRecord(p)) return [`policy: must be an object, got ${show(p)}`];
  const problems: string[] = [];
  const bad = (key: PolicyKey, message: string) => problems.push(`${nameOf(key)}: ${message}`);

  for (const key of Object.keys(p)) {
    if (!KEYS.includes(key)) {
      problems.push(`policy.${key}: unknown key; valid keys are ${KEYS.join(', ')}`);
    }
  }
  if (!Number.isInteger(p.maxResources)) {
    bad('maxResources', `must be a whole number of at least 1, got ${show(p.maxResources)}`);
  } else if ((p.maxResources as number) < 1) {
    bad('maxResources', `must be at least 1, got ${show(p.maxResources)}`);
  }
  for (const key of ['resourceLimit', 'roleConflicts', 'autoApprove', 'dryRun'] as const) {
    if (typeof p[key] !== 'boolean') bad(key, `must be true or false, got ${show(p[key])}`);
  }
  if (!Number.isInteger(p.roleRequestWeight) || (p.roleRequestWeight as number) < 0) {
    bad(
      'roleRequestWeight',
      `must be a whole number of at least 0, got ${show(p.roleRequestWeight)}`,
    );
  } else if (
    Number.isInteger(p.maxResources) &&
    (p.roleRequestWeight as number) > (p.maxResources as number)
  ) {
    // Otherwise a role-only request would be approved and then locked at once for not fitting.
    bad(
      'roleRequestWeight',
      `must not exceed ${nameOf('maxResources')} (${show(p.maxResources)}), got ${show(p.roleRequestWeight)}`,
    );
  }
  if (p.reviewMode !== 'state' && p.reviewMode !== 'review') {
    bad('reviewMode', `must be "state" or "review", got ${show(p.reviewMode)}`);
  }
  checkPatterns(p, bad, nameOf);
  checkExempt(p.exempt, bad);
  return problems;
}

function checkPatterns(
  p: Record<string, unknown>,
  bad: (key: PolicyKey, message: string) => void,
  nameOf: (key: PolicyKey) => string,
): void {
  const patterns = p.conflictPatterns;
  if (!isStringList(patterns)) {
    bad('conflictPatterns', `must be a list of strings, got ${show(patterns)}`);
    return;
  }
  const seen = new Set<string>();
  for (const pattern of patterns) {
    if (seen.has(pattern))
      bad('conflictPatterns', `pattern ${show(pattern)} is listed twice; list each once`);
    seen.add(pattern);
  }
  const problem = findBadPattern(patterns);
  if (problem) bad('conflictPatterns', problem);
  if (p.roleConflicts === true && seen.size < 2) {
    const got = seen.size === 0 ? 'none' : [...seen].map(show).join(', ');
    bad(
      'conflictPatterns',
      `needs at least 2 patterns when ${nameOf('roleConflicts')} is on, got ${seen.size} (${got}); ` +
        `add one (e.g. prod,research) or turn ${nameOf('roleConflicts')} off`,
    );
  }
}

function checkExempt(exempt: unknown, bad: (key: PolicyKey, message: string) => void): void {
  if (!isRecord(exempt)) {
    bad('exempt', `must be an object with users and roles lists, got ${show(exempt)}`);
    return;
  }
  for (const key of ['users', 'roles'] as const) {
    const list = exempt[key];
    if (!isStringList(list) || list.some((s) => s === '')) {
      bad(`exempt.${key}`, `must be a list of non-empty strings, got ${show(list)}`);
    }
  }
  for (const key of Object.keys(exempt)) {
    if (key !== 'users' && key !== 'roles')
      bad('exempt', `unknown key ${show(key)}; use users or roles`);
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isStringList(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((s) => typeof s === 'string');
}

/** A value as an error message quotes it: strings quoted, the rest as JSON. */
export function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  return JSON.stringify(v) ?? typeof v;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
