// Role and reason patterns: regular expressions with RE2 semantics (re2js), as Teleport matches its
// own, so matching takes linear time whatever the pattern and a pattern means here what it means
// there. Role patterns match anywhere in a role name, ignoring case. Kept apart so pending checks
// and user evaluation match identically; never throws on a pattern that validatePolicy accepted.
import { RE2JS } from 're2js';

/** Roles of one request that match one pattern. */
export interface PatternMatch {
  pattern: string;
  roles: string[];
}

export interface CompiledPattern {
  source: string;
  regex: RE2JS;
}

/** Compiles with RE2 syntax; the problem as one line (RE2's own words) when it does not. */
export function compileRe2(
  source: string,
  ignoreCase: boolean,
): { ok: true; regex: RE2JS } | { ok: false; error: string } {
  try {
    return { ok: true, regex: RE2JS.compile(source, ignoreCase ? RE2JS.CASE_INSENSITIVE : 0) };
  } catch (err) {
    const why = (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
    return {
      ok: false,
      error:
        `pattern ${JSON.stringify(source)} is not a valid RE2 regular expression (${why}); ` +
        'escape special characters with a backslash',
    };
  }
}

/** The first problem with a role pattern, as a one-line message; undefined when it is sound. */
export function findBadPattern(source: string): string | undefined {
  if (source.trim() === '') return `pattern ${JSON.stringify(source)} is empty; drop it`;
  const compiled = compileRe2(source, true);
  if (!compiled.ok) return compiled.error;
  // A pattern matching the empty string matches every role, so every role would "conflict".
  if (compiled.regex.test('')) {
    return `pattern ${JSON.stringify(source)} matches every role name; make it name an environment`;
  }
  return undefined;
}

/**
 * Compiled role patterns by source. RE2 compiles more slowly than JavaScript's engine and every
 * evaluation compiles a policy's few patterns again; a compiled pattern never changes, so keeping
 * it changes no result. Bounded: policies hold a handful of patterns, not thousands.
 */
const compiled = new Map<string, RE2JS>();
const MAX_COMPILED = 512;

/** Compiles validated role patterns; a pattern that fails here is a caller bug, so it throws. */
export function compilePatterns(patterns: readonly string[]): CompiledPattern[] {
  return patterns.map((source) => {
    const known = compiled.get(source);
    if (known) return { source, regex: known };
    const problem = findBadPattern(source);
    if (problem) throw new Error(`invalid policy: ${problem}`);
    const regex = RE2JS.compile(source, RE2JS.CASE_INSENSITIVE);
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    compiled.set(source, regex);
    return { source, regex };
  });
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
