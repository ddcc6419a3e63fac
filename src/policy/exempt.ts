// Exemptions: requests by exempt users, or asking for an exempt role, are left to humans. The
// watcher never approves, denies, locks or counts them; it only says, once per evaluation, why not.
import type { AccessRequest } from '../domain/accessRequest';
import { makeDecision } from './decision';
import { compareStrings } from './patterns';
import type { Decision, Policy } from './types';

export interface Exemption {
  user: boolean;
  roles: string[];
}

/** Why the request is exempt, or undefined when it is not. Role names match exactly. */
export function exemption(request: AccessRequest, policy: Policy): Exemption | undefined {
  const user = policy.exempt.users.includes(request.user);
  const roles = [...new Set(request.roles.filter((r) => policy.exempt.roles.includes(r)))].sort(
    compareStrings,
  );
  return user || roles.length > 0 ? { user, roles } : undefined;
}

/** Action 'none', policy 'exempt': a record for the audit trail, never a change. */
export function exemptDecision(request: AccessRequest, policy: Policy, ex: Exemption): Decision {
  const why: string[] = [];
  if (ex.user) why.push(`user ${JSON.stringify(request.user)} is exempt`);
  if (ex.roles.length > 0) {
    const quoted = ex.roles.map((r) => JSON.stringify(r)).join(', ');
    why.push(`requests exempt role${ex.roles.length > 1 ? 's' : ''} ${quoted}`);
  }
  const details =
    ex.roles.length > 0
      ? { checks: [], exemptUser: ex.user, exemptRoles: ex.roles }
      : { checks: [], exemptUser: ex.user };
  return makeDecision(
    request,
    policy,
    'none',
    'exempt',
    `Exempt: ${why.join(' and ')}; left to human reviewers`,
    details,
  );
}
