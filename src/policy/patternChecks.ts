// Conflict patterns that compile but mean nothing sensible are refused by validatePolicy, naming the
// fix: two patterns that match the same role names (`prod,PROD`, `prod,production`) would deny
// every such request as "mixing" one environment with itself. Matching time is no concern: patterns
// run on RE2 (patterns.ts), linear in the role name, as in Teleport.
import { RE2JS } from 're2js';

/** The first problem across the list, one line naming the pattern(s); undefined when fine. */
export function findPatternProblem(patterns: readonly string[]): string | undefined {
  for (let i = 0; i < patterns.length; i++) {
    for (let j = i + 1; j < patterns.length; j++) {
      const a = patterns[i] ?? '';
      const b = patterns[j] ?? '';
      const example = sharedExample(a, b);
      if (example !== undefined) {
        return `patterns ${JSON.stringify(a)} and ${JSON.stringify(b)} both match role names such as ${JSON.stringify(example)} (matching ignores case), so such requests would be denied as mixing environments; keep one of them, or anchor them apart (e.g. ^prod$)`;
      }
    }
  }
  return undefined;
}

/** A role name both patterns match, from samples each pattern generates; undefined if none. */
function sharedExample(a: string, b: string): string | undefined {
  const ra = compile(a);
  const rb = compile(b);
  if (!ra || !rb) return undefined;
  for (const sample of [...samples(a), ...samples(b)]) {
    if (sample !== '' && ra.test(sample) && rb.test(sample)) return sample;
  }
  return undefined;
}

/** Plausible role names a pattern matches: each top-level alternative with minimal repetition. */
export function samples(source: string): string[] {
  const re = compile(source);
  if (!re) return [];
  return splitTopLevel(source)
    .map(sampleOf)
    .filter((s) => re.test(s));
}

function sampleOf(alternative: string): string {
  let out = '';
  for (let i = 0; i < alternative.length; i++) {
    const c = alternative[i] ?? '';
    let atom = c;
    if (c === '^' || c === '$') continue;
    if (c === '(') {
      // A group: the sample of its first alternative, once (or not at all when optional).
      const end = groupEnd(alternative, i);
      const inner = alternative.slice(i + 1, end).replace(/^\?:/, '');
      atom = sampleOf(splitTopLevel(inner)[0] ?? '');
      i = end;
    } else if (c === '\\') {
      const e = alternative[++i] ?? '';
      atom = ({ d: '0', w: 'a', s: ' ', b: '', B: '' } as Record<string, string>)[e] ?? e;
    } else if (c === '.') {
      atom = 'a';
    } else if (c === '[') {
      const end = classEnd(alternative, i);
      const body = alternative.slice(i + 1, end);
      atom = body.startsWith('^') ? 'a' : (body.replace(/^\\/, '')[0] ?? '');
      i = end;
    }
    const next = alternative[i + 1];
    if (next === '*' || next === '?') {
      i++;
      continue; // zero repetitions
    }
    if (next === '+') i++;
    out += atom;
  }
  return out;
}

function groupEnd(source: string, open: number): number {
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (c === '[') i = classEnd(source, i);
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return source.length;
}

function splitTopLevel(source: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (c === '[') i = classEnd(source, i);
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) {
      parts.push(source.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(source.slice(start));
  return parts;
}

function classEnd(source: string, open: number): number {
  for (let i = open + 1; i < source.length; i++) {
    if (source[i] === '\\') i++;
    else if (source[i] === ']' && i > open + 1) return i;
  }
  return source.length;
}

function compile(source: string): RE2JS | undefined {
  try {
    return RE2JS.compile(source, RE2JS.CASE_INSENSITIVE);
  } catch {
    return undefined;
  }
}
