// The jit-watcher role as users install it (deploy/teleport/jit-watcher-role.yaml), read into the
// simulator's role model, so every test runs with exactly the verbs production grants. Only what
// roles.ts models is accepted (allow rules without `where`, review_requests for every role, empty
// deny): anything else is refused with one line naming the key, never silently dropped.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import type { SimRole, Verb } from './roles';

const ROLE_FILE = path.join('deploy', 'teleport', 'jit-watcher-role.yaml');

/**
 * The role file users `tctl create`: the default, so tests run with what is shipped. Found from
 * this file upwards, so the compiled sim (dist-testkit/, the benches') finds it too.
 */
export const JIT_WATCHER_ROLE_FILE = findUp(__dirname, ROLE_FILE);

function findUp(from: string, relative: string): string {
  let dir = from;
  for (let depth = 0; depth < 8; depth++) {
    const candidate = path.join(dir, relative);
    if (fs.existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  // Not found: loading it names the expected place in its error.
  return path.resolve(__dirname, '../..', relative);
}

const VERBS: ReadonlySet<string> = new Set<Verb | '*'>([
  'list',
  'read',
  'create',
  'update',
  'delete',
  '*',
]);
/** Role versions whose rule and review_requests semantics are the ones modelled here. */
const VERSIONS: ReadonlySet<string> = new Set(['v6', 'v7', 'v8']);

/** A role file the simulator cannot use; its message is one line naming the file and the key. */
export class RoleFileError extends Error {
  override name = 'RoleFileError';
}

type Obj = Record<string, unknown>;

/** Reads a Teleport role YAML (kind: role) into a SimRole, or throws a RoleFileError. */
export function loadRoleFile(file: string = JIT_WATCHER_ROLE_FILE): SimRole {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new RoleFileError(`${file}: cannot read the role file: ${(err as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    const first = (err instanceof Error ? err.message : String(err)).split('\n')[0];
    throw new RoleFileError(`${file}: not valid YAML: ${first}`);
  }
  return roleFromDocument(doc, file);
}

/** The SimRole a parsed role document describes; `file` names it in errors. */
export function roleFromDocument(doc: unknown, file: string): SimRole {
  const fail = (key: string, problem: string): never => {
    throw new RoleFileError(`${file}: ${key}: ${problem}`);
  };
  const unmodelled = (key: string): never =>
    fail(key, 'the simulator cannot model this; remove it or teach testkit/sim/roleFile.ts');

  const root = object(doc, 'the document', fail);
  only(root, ['kind', 'version', 'metadata', 'spec'], '', unmodelled);
  if (root.kind !== 'role') fail('kind', `expected "role", found ${JSON.stringify(root.kind)}`);
  if (typeof root.version !== 'string' || !VERSIONS.has(root.version))
    fail('version', `expected one of ${[...VERSIONS].join(', ')}`);

  const metadata = object(root.metadata, 'metadata', fail);
  only(metadata, ['name', 'description', 'labels'], 'metadata.', unmodelled);
  if (typeof metadata.name !== 'string' || metadata.name === '')
    fail('metadata.name', 'a role needs a name');

  const spec = object(root.spec, 'spec', fail);
  only(spec, ['allow', 'deny'], 'spec.', unmodelled);
  // Teleport's deny rules win over allow (lib/services/role.go); the simulator has none.
  if (spec.deny !== undefined && spec.deny !== null)
    for (const key of Object.keys(object(spec.deny, 'spec.deny', fail)))
      unmodelled(`spec.deny.${key}`);

  const allow = object(spec.allow ?? {}, 'spec.allow', fail);
  only(allow, ['rules', 'review_requests'], 'spec.allow.', unmodelled);

  const rules = list(allow.rules ?? [], 'spec.allow.rules', fail).map((raw, i) => {
    const at = `spec.allow.rules[${i}]`;
    const rule = object(raw, at, fail);
    only(rule, ['resources', 'verbs'], `${at}.`, unmodelled);
    const resources = strings(rule.resources, `${at}.resources`, fail);
    const verbs = strings(rule.verbs, `${at}.verbs`, fail);
    for (const verb of verbs)
      if (!VERBS.has(verb))
        fail(
          `${at}.verbs`,
          `verb "${verb}" is not one the simulator checks (${[...VERBS].join(', ')})`,
        );
    return { resources, verbs: verbs as Array<Verb | '*'> };
  });

  // The simulator's review permission covers every role (roles.ts: a boolean), so only the
  // unrestricted form is modelled: roles ['*'] with no where, claims_to_roles or preview roles.
  let reviewRequests = false;
  if (allow.review_requests !== undefined && allow.review_requests !== null) {
    const review = object(allow.review_requests, 'spec.allow.review_requests', fail);
    only(review, ['roles'], 'spec.allow.review_requests.', unmodelled);
    const roles = strings(review.roles, 'spec.allow.review_requests.roles', fail);
    if (roles.length !== 1 || roles[0] !== '*')
      unmodelled("spec.allow.review_requests.roles (only ['*'] is modelled)");
    reviewRequests = true;
  }

  return { name: metadata.name as string, rules, reviewRequests, requestAccess: false };
}

function object(value: unknown, key: string, fail: (k: string, p: string) => never): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return fail(key, 'expected a mapping');
  return value as Obj;
}

function list(value: unknown, key: string, fail: (k: string, p: string) => never): unknown[] {
  if (!Array.isArray(value)) return fail(key, 'expected a list');
  return value;
}

function strings(value: unknown, key: string, fail: (k: string, p: string) => never): string[] {
  const items = list(value, key, fail);
  if (items.length === 0 || items.some((v) => typeof v !== 'string' || v === ''))
    fail(key, 'expected a non-empty list of names');
  return items as string[];
}

function only(value: Obj, keys: string[], prefix: string, unmodelled: (k: string) => never): void {
  for (const key of Object.keys(value)) if (!keys.includes(key)) unmodelled(`${prefix}${key}`);
}
