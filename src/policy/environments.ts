// Environments: one entry per role pattern holding all its limits (caps, window, reason format,
// maxAccess), and which entries a request falls under. A request matching several entries meets
// the limits of each. The `--environments` option lives here because four rules share the key.
import type { AccessRequest } from '../domain/accessRequest';
import { compilePatterns, matchRoles, type PatternMatch } from './patterns';
import type { RuleOption } from './rule';
import type { Environment, Policy } from './types';

/** An environment a request falls under, with the request's roles that match its pattern. */
export type EnvironmentMatch = Environment & PatternMatch;

export const ENVIRONMENTS_OPTION: RuleOption = {
  key: 'environments',
  flags: ['environments'],
  env: ['JIT_WATCHER_ENVIRONMENTS'],
  kind: 'custom',
  text: 'yaml',
  example: '"[{pattern: prod, maxRequests: 1, maxAccess: 4h}]"',
  help: 'per-environment limits, a YAML flow list: pattern, maxRequests, maxResources, window, outside, closeLocks, reason, missingReason, maxAccess, longer, budget, cooldown, overrides, over',
  parse: (raw) =>
    Array.isArray(raw)
      ? { ok: true, value: raw }
      : {
          ok: false,
          error: `must be a list of environments like [{pattern: prod, maxAccess: 4h}], got ${JSON.stringify(raw) ?? 'nothing'}`,
        },
};

/** The environments of the policy with the given limit set, in policy order. */
export function environmentsWith<K extends keyof Environment>(
  policy: Policy,
  key: K,
): Environment[] {
  return (policy.environments ?? []).filter((e) => e[key] !== undefined);
}

/** The entries (among `environments`) one of the request's roles matches, in their order. */
export function environmentsFor(
  request: AccessRequest,
  environments: readonly Environment[],
): EnvironmentMatch[] {
  if (environments.length === 0) return [];
  const matches = matchRoles(request.roles, compilePatterns(environments.map((e) => e.pattern)));
  return matches.flatMap((m) => {
    const env = environments.find((e) => e.pattern === m.pattern);
    return env ? [{ ...env, roles: m.roles }] : [];
  });
}

/** `"prod" (prod-db, prod-web)`: the pattern and the request's roles under it. */
export function describeEnvironment(match: PatternMatch): string {
  return `${JSON.stringify(match.pattern)} (${match.roles.join(', ')})`;
}

/** How the requester asks again: `tsh request create --roles prod-db` or `--resource /c/node/x`. */
export function askAgain(request: AccessRequest, reason: string): string {
  const what =
    request.resources.length > 0
      ? request.resources
          .slice(0, 3)
          .map((r) => `--resource /${r.clusterName}/${r.kind}/${r.name}`)
          .join(' ')
      : `--roles ${request.roles.join(',')}`;
  return `tsh request create ${what} --reason ${JSON.stringify(reason)}`;
}
