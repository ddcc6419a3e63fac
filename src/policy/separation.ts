// Environment separation over what a user holds: a request whose own roles span two environments
// is locked, and across requests the newest environment wins. Never locks two requests of the same
// environment because of each other.
import type { AccessRequest } from '../domain/accessRequest';
import { checksRun, listIds } from './decision';
import type { Walk } from './holdings';
import { compilePatterns, describeMatches, matchRoles, mixedEnvironmentsReason } from './patterns';
import type { Policy } from './types';

/**
 * Walks requests newest first, remembering the environments (patterns) of the requests kept. A
 * request matching a pattern outside that set, once it is non-empty, is locked. Since a request
 * with a new environment is locked, the set never holds more than one environment.
 */
export function separateEnvironments(newestFirst: AccessRequest[], policy: Policy): Walk {
  const patterns = compilePatterns(policy.conflictPatterns);
  const checks = checksRun(policy);
  const held: string[] = [];
  const heldBy: string[] = [];
  const walk: Walk = { kept: [], locked: [] };

  for (const request of newestFirst) {
    const matches = matchRoles(request.roles, patterns);
    if (matches.length >= 2) {
      walk.locked.push({
        request,
        policy: 'environment-separation',
        reason: mixedEnvironmentsReason(describeMatches(matches)),
        details: { checks, matches },
      });
      continue;
    }
    const outside = matches.filter((m) => !held.includes(m.pattern));
    if (held.length > 0 && outside.length > 0) {
      const heldList = held.map((p) => JSON.stringify(p)).join(', ');
      walk.locked.push({
        request,
        policy: 'environment-separation',
        reason:
          `Environment separation: newer request ${listIds(heldBy)} holds ${heldList}; this older ` +
          `request's ${describeMatches(outside)} may not be held at the same time; the newest wins`,
        details: { checks, matches, heldPatterns: [...held], keptRequestIds: [...heldBy] },
      });
      continue;
    }
    for (const m of matches) {
      if (!held.includes(m.pattern)) held.push(m.pattern);
    }
    if (matches.length > 0) heldBy.push(request.id);
    walk.kept.push(request);
  }
  return walk;
}
