// The default policy and its validation, shared by config loading and the setPolicy signal so a
// bad policy is refused at the door with every problem named. The shape is schema.ts's; this turns
// its issues into one line each, naming the key the caller's way. Never throws: problems are returned.
import type * as z from 'zod';
import { policySchemas, show, type Policy } from './schema';

/** A policy key as problems name it; nested exempt lists get their own names. */
export type PolicyKey = keyof Policy | 'exempt.users' | 'exempt.roles';

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

/** Every key the policy takes: the published ones, then later rules', as unknown-key messages list them. */
export function policyKeys(): readonly string[] {
  return [
    ...new Set([
      ...Object.keys(DEFAULT_POLICY),
      ...Object.keys(policySchemas().policySchema.shape),
    ]),
  ];
}

/**
 * Every problem with p, one line each, naming the key (through nameOf, so config can say `-m`
 * or `JIT_WATCHER_MAX_RESOURCES` instead of `maxResources`), the bad value and the fix.
 */
export function validatePolicy(
  p: unknown,
  nameOf: (key: PolicyKey) => string = (key) => key,
): string[] {
  if (typeof p !== 'object' || p === null || Array.isArray(p)) {
    return [`policy: must be an object, got ${show(p)}`];
  }
  const result = policySchemas().policySchema.safeParse(p);
  if (result.success) return [];
  return result.error.issues.map((issue) => describeIssue(issue, p, nameOf));
}

/** `key[0].field: message`, the key named by nameOf; `{key}` in a message names another key. */
function describeIssue(
  issue: z.core.$ZodIssue,
  policy: object,
  nameOf: (key: PolicyKey) => string,
): string {
  const path = issue.path.filter((s): s is string | number => typeof s !== 'symbol');
  if (issue.code === 'invalid_union') {
    // A value that may be one thing or a list of them (budget): report the form it was written in.
    const branch = issue.errors.find(
      (errors) =>
        errors.length > 0 && !errors.some((e) => e.code === 'invalid_type' && e.path.length === 0),
    );
    if (branch)
      return branch
        .map((e) => describeIssue({ ...e, path: [...issue.path, ...e.path] }, policy, nameOf))
        .join('; ');
  }
  const message = issue.message.replace(/\{(\w+)\}/g, (_, key: string) => nameOf(key as PolicyKey));
  if (issue.code === 'unrecognized_keys') {
    if (path.length === 0) {
      return issue.keys
        .map((key) => `policy.${key}: unknown key; valid keys are ${policyKeys().join(', ')}`)
        .join('; ');
    }
    const known = validKeysAt(path);
    const listed = issue.keys.map((k) => show(k)).join(', ');
    return `${where(path, policy, nameOf)}: unknown key ${listed}; use ${known.join(', ')}`;
  }
  return `${where(path, policy, nameOf)}: ${message}`;
}

/** `exempt.users[0]`, `--environments[1] ("prod").window`: the key, then the entry and field. */
function where(
  path: (string | number)[],
  policy: object,
  nameOf: (key: PolicyKey) => string,
): string {
  const [top, ...rest] = path;
  if (top === undefined) return 'policy';
  let key = String(top);
  if (top === 'exempt' && (rest[0] === 'users' || rest[0] === 'roles'))
    key = `exempt.${String(rest.shift())}`;
  let text = nameOf(key as PolicyKey);
  let node: unknown = (policy as Record<string, unknown>)[String(top)];
  if (key.startsWith('exempt.')) node = (node as Record<string, unknown>)[key.slice(7)];
  for (const step of rest) {
    node = (node as Record<string | number, unknown> | undefined)?.[step];
    if (typeof step === 'number') {
      const pattern = (node as { pattern?: unknown } | undefined)?.pattern;
      text += `[${step}]${typeof pattern === 'string' ? ` (${show(pattern)})` : ''}`;
    } else {
      text += `.${step}`;
    }
  }
  return text;
}

/** The keys an object inside the policy takes, for an unknown-key message. */
function validKeysAt(path: (string | number)[]): string[] {
  let schema: z.ZodType = policySchemas().policySchema;
  for (const step of path) {
    const def = pick(unwrap(schema), typeof step === 'number' ? 'element' : 'shape');
    if (typeof step === 'number' && 'element' in def) schema = def.element as z.ZodType;
    else if ('shape' in def) schema = (def.shape as Record<string, z.ZodType>)[step] ?? schema;
  }
  const def = pick(unwrap(schema), 'shape');
  return 'shape' in def ? Object.keys(def.shape as object) : [];
}

/** Of a union (one budget or a list), the option that is a list ('element') or an object ('shape'). */
function pick(schema: z.ZodType, kind: 'element' | 'shape'): z.ZodType {
  if (!('options' in schema) || !Array.isArray(schema.options)) return schema;
  const options = schema.options as z.ZodType[];
  return options.map(unwrap).find((o) => kind in o) ?? schema;
}

function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  for (let i = 0; i < 5 && 'unwrap' in s && typeof s.unwrap === 'function'; i++) {
    s = (s.unwrap as () => z.ZodType)();
  }
  return s;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
