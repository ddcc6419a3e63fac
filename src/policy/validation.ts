// Small checks that validatePolicy and every rule's validate() share, so a bad value is worded the
// same whichever rule owns the key: the key, what it must be, and what it got. Never throws.
import type { Problem } from './rule';
import type { PolicyKey } from './policy';

/** A value as an error message quotes it: strings quoted, the rest as JSON. */
export function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  return JSON.stringify(v) ?? typeof v;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function isStringList(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((s) => typeof s === 'string');
}

export function checkBoolean(p: Record<string, unknown>, key: PolicyKey, problem: Problem): void {
  if (typeof p[key] !== 'boolean') problem(key, `must be true or false, got ${show(p[key])}`);
}
