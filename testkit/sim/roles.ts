// The simulated cluster's roles as plain data: resource rules (kind + verbs) and the role
// options jit-watcher meets (review_requests, requesting access and its review thresholds).
// Deliberately a subset of Teleport's role model: no deny rules, no `where` clauses, no traits.
// The jit-watcher role is not written here: it is read from the YAML users install (roleFile.ts).
import type { SimThreshold } from './model';
import { loadRoleFile } from './roleFile';

export type Verb = 'list' | 'read' | 'create' | 'update' | 'delete';

export interface RoleRule {
  /** Resource kinds, or '*'. */
  resources: string[];
  /** Verbs, or '*'. */
  verbs: Array<Verb | '*'>;
}

export interface SimRole {
  name: string;
  rules: RoleRule[];
  /** Teleport's allow.review_requests: may submit access reviews. */
  reviewRequests: boolean;
  /** Teleport's allow.request: may create access requests for itself. */
  requestAccess: boolean;
  /** Teleport's allow.request.thresholds: reviews its requests need (default one approval). */
  thresholds?: SimThreshold[];
}

export type RoleRegistry = Readonly<Record<string, SimRole>>;

/** A human who may ask for access and see their own requests, nothing else. */
const REQUESTER_ROLE: SimRole = {
  name: 'requester',
  rules: [],
  reviewRequests: false,
  requestAccess: true,
};

/** A requester whose requests need two approvals (one denial denies), as a role's
 * `request.thresholds: [{approve: 2, deny: 1}]` makes them. */
const TWO_APPROVALS_ROLE: SimRole = {
  name: 'requester-two-approvals',
  rules: [],
  reviewRequests: false,
  requestAccess: true,
  thresholds: [{ name: 'two approvals', approve: 2, deny: 1 }],
};

const EDITOR_ROLE: SimRole = {
  name: 'editor',
  rules: [{ resources: ['*'], verbs: ['*'] }],
  reviewRequests: true,
  requestAccess: true,
};

/**
 * The roles every simulated cluster defines: jit-watcher as deploy/teleport/jit-watcher-role.yaml
 * says (read now, so a bad file fails the cluster's start with one line), and the test roles.
 */
export function builtinRoles(): SimRole[] {
  return [loadRoleFile(), REQUESTER_ROLE, TWO_APPROVALS_ROLE, EDITOR_ROLE];
}

/** Built-in roles plus `extra` (an extra role replaces a built-in of the same name). */
export function createRoleRegistry(extra: readonly SimRole[] = []): RoleRegistry {
  return Object.fromEntries([...builtinRoles(), ...extra].map((r) => [r.name, r]));
}

/** Roles a certificate names but the cluster does not define grant nothing, as in Teleport. */
function rolesOf(registry: RoleRegistry, names: readonly string[]): SimRole[] {
  return names.flatMap((n) => {
    const role = registry[n];
    return role ? [role] : [];
  });
}

export function allows(
  registry: RoleRegistry,
  roleNames: readonly string[],
  kind: string,
  verb: Verb,
): boolean {
  return rolesOf(registry, roleNames).some((role) =>
    role.rules.some(
      (rule) =>
        (rule.resources.includes('*') || rule.resources.includes(kind)) &&
        (rule.verbs.includes('*') || rule.verbs.includes(verb)),
    ),
  );
}

export function mayReview(registry: RoleRegistry, roleNames: readonly string[]): boolean {
  return rolesOf(registry, roleNames).some((r) => r.reviewRequests);
}

export function mayRequest(registry: RoleRegistry, roleNames: readonly string[]): boolean {
  return rolesOf(registry, roleNames).some((r) => r.requestAccess);
}

/**
 * Thresholds of every role the requester holds, in role order (lib/services/access_request.go
 * collects them from the roles that allow the request); none set: Teleport's default.
 */
export function requestThresholds(
  registry: RoleRegistry,
  roleNames: readonly string[],
): SimThreshold[] {
  return rolesOf(registry, roleNames).flatMap((r) => r.thresholds ?? []);
}
