// Conflict patterns: regular expressions matched anywhere in a role name, case-insensitive. Kept
// apart so pending checks and user evaluation match roles identically; never throws on a pattern
// that validatePolicy accepted.
import { slowConstruct } from './patternChecks';
import type { PatternMatch } from './types';

export interface CompiledPattern {
  source: string;
  regex: RegExp;
}

/** The first problem with a pattern list, as a one-line message; undefined when all compile. */
export function findBadPattern(patterns: string[]): string | undefined {
  for (const source of patterns) {
    if (source.trim() === '') return `pattern ${JSON.stringify(source)} is empty; drop it`;
    let regex: RegExp;
    try {
      regex = new RegExp(source, 'i');
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      return (
        `pattern ${JSON.stringify(source)} is not a valid regular expression (${why}); ` +
        'escape special characters with a backslash'
      );
    }
    const slow = slowConstruct(source);
    if (slow) return `pattern ${JSON.stringify(source)} ${slow}`;
    // A pattern matching the empty string matches every role, so every role would "conflict".
    if (regex.test('')) {
      return `pattern ${JSON.stringify(source)} matches every role name; make it name an environment`;
    }
  }
  return undefined;
}

/** Compiles validated patterns; a pattern that fails here is a caller bug, so it throws. */
export function compilePatterns(patterns: string[]): CompiledPattern[] {
  const problem = findBadPattern(patterns);
  if (problem) throw new Error(`invalid policy: conflictPatterns: ${problem}`);
  return patterns.map((source) => ({ source, regex: new RegExp(source, 'i') }));
}

/** The patterns the roles match, in pattern order, each with its matching roles sorted. */
export function matchRoles(roles: string[], patterns: CompiledPattern[]): PatternMatch[] {
  const distinctRoles = [...new Set(roles)].sort(compareStrings);
  const matches: PatternMatch[] = [];
  for (const { source, regex } of patterns) {
    const matching = distinctRoles.filter((role) => regex.test(role));
    if (matching.length > 0) matches.push({ pattern: source, roles: matching });
  }
  return matches;
}

/** `"prod" (prod-db), "research" (research-lab, research-ro)` */
export function describeMatches(matches: PatternMatch[]): string {
  return matches.map((m) => `${JSON.stringify(m.pattern)} (${m.roles.join(', ')})`).join(', ');
}

/** The sentence every environment-separation denial and self-conflict lock shares. */
export function mixedEnvironmentsReason(described: string): string {
  return (
    `Request mixes environments: ${described}; ` +
    'roles matching different conflict patterns may not be held together'
  );
}

/** Code-unit order: unlike localeCompare it is the same on every machine and locale. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
