// Environment separation: a request whose roles match two conflict patterns is denied (pending) or
// locked (held); across a user's requests the newest environment wins. Never locks two requests
// of the same environment because of each other.
import { listIds } from './decision';
import {
  compilePatterns,
  describeMatches,
  findBadPattern,
  matchRoles,
  mixedEnvironmentsReason,
} from './patterns';
import { findPatternProblem } from './patternChecks';
import type { LockVerdict, Problem, Rule, RuleContext, RuleOption } from './rule';
import type { PolicyKey } from './policy';
import { checkBoolean, isStringList, show } from './validation';

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

  validate(p, problem, nameOf) {
    checkBoolean(p, 'roleConflicts', problem);
    checkPatterns(p, problem, nameOf);
  },

  pending(request, { policy }) {
    const matches = matchRoles(request.roles, compilePatterns(policy.conflictPatterns));
    if (matches.length === 0) return { facts: {} };
    if (matches.length === 1) return { facts: { matches } };
    return { facts: { matches }, deny: mixedEnvironmentsReason(describeMatches(matches)) };
  },

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

function checkPatterns(
  p: Record<string, unknown>,
  problem: Problem,
  nameOf: (key: PolicyKey) => string,
): void {
  const patterns = p.conflictPatterns;
  if (!isStringList(patterns)) {
    problem('conflictPatterns', `must be a list of strings, got ${show(patterns)}`);
    return;
  }
  const seen = new Set<string>();
  for (const pattern of patterns) {
    if (seen.has(pattern))
      problem('conflictPatterns', `pattern ${show(pattern)} is listed twice; list each once`);
    seen.add(pattern);
  }
  const bad = findBadPattern(patterns);
  if (bad) problem('conflictPatterns', bad);
  // Checked once each pattern is sound and listed once, so one mistake gets one message.
  const overlap =
    p.roleConflicts === true && !bad && seen.size === patterns.length
      ? findPatternProblem(patterns)
      : undefined;
  if (overlap) problem('conflictPatterns', overlap);
  if (p.roleConflicts === true && seen.size < 2) {
    const got = seen.size === 0 ? 'none' : [...seen].map(show).join(', ');
    problem(
      'conflictPatterns',
      `needs at least 2 patterns when ${nameOf('roleConflicts')} is on, got ${seen.size} (${got}); ` +
        `add one (e.g. prod,research) or turn ${nameOf('roleConflicts')} off`,
    );
  }
}
