// Environment separation: a request whose roles match two conflict patterns is denied (pending) or
// locked (held); across a user's requests the newest environment wins. Never locks two requests
// of the same environment because of each other.
import { listIds } from './decision';
import { compilePatterns, describeMatches, matchRoles, mixedEnvironmentsReason } from './patterns';
import type { LockVerdict, Rule, RuleContext, RuleOption } from './rule';

// One row per setting, so the table reads as a table.
// prettier-ignore
const OPTIONS: readonly RuleOption[] = [
  { key: 'roleConflicts', flags: ['role-conflicts'], env: ['JIT_WATCHER_ROLE_CONFLICTS'], kind: 'bool', go: true, help: 'enforce environment separation between conflict patterns' },
  { key: 'conflictPatterns', flags: ['conflict-patterns'], env: ['JIT_WATCHER_CONFLICT_PATTERNS'], kind: 'list', go: true, example: 'prod,research', help: 'comma-separated role-name regular expressions, one per environment' },
];

export const separationRule: Rule<'environment-separation'> = {
  name: 'environment-separation',
  options: OPTIONS,
  enabled: (policy) => policy.roleConflicts,

  pending(request, { policy }) {
    const matches = matchRoles(request.roles, compilePatterns(policy.conflictPatterns));
    if (matches.length === 0) return { facts: {} };
    if (matches.length === 1) return { facts: { matches } };
    return { facts: { matches }, deny: mixedEnvironmentsReason(describeMatches(matches)) };
  },

  summary: (details) =>
    details.matches && details.matches.length > 0
      ? `mixes ${listed(details.matches.map((m) => m.pattern))}`
      : undefined,

  holdingsPhase: 'exclude',
  holdings: separateEnvironments,
};

/**
 * Walks requests newest first, remembering the environments (patterns) of the requests kept. A
 * request matching a pattern outside that set, once it is non-empty, is locked. Since a request
 * with a new environment is locked, the set never holds more than one environment.
 */
function separateEnvironments({ policy, holdings }: RuleContext): LockVerdict[] {
  const patterns = compilePatterns(policy.conflictPatterns);
  const held: string[] = [];
  const heldBy: string[] = [];
  const locked: LockVerdict[] = [];

  for (const { request } of holdings) {
    const matches = matchRoles(request.roles, patterns);
    if (matches.length >= 2) {
      locked.push({
        request,
        reason: mixedEnvironmentsReason(describeMatches(matches)),
        details: { matches },
      });
      continue;
    }
    const outside = matches.filter((m) => !held.includes(m.pattern));
    if (held.length > 0 && outside.length > 0) {
      const heldList = held.map((p) => JSON.stringify(p)).join(', ');
      locked.push({
        request,
        reason:
          `Environment separation: newer request ${listIds(heldBy)} holds ${heldList}; this older ` +
          `request's ${describeMatches(outside)} may not be held at the same time; the newest wins`,
        details: { matches, heldPatterns: [...held], keptRequestIds: [...heldBy] },
      });
      continue;
    }
    for (const m of matches) {
      if (!held.includes(m.pattern)) held.push(m.pattern);
    }
    if (matches.length > 0) heldBy.push(request.id);
  }
  return locked;
}

/** "prod and research", "a, b and c". */
function listed(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1] ?? ''}`;
}
