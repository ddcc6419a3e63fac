// Turns one raw setting (a flag's text, a variable, a YAML scalar) into a typed value, the same way
// whatever the source, so `-m=0`, JIT_WATCHER_MAX_RESOURCES=0 and `maxResources: 0` fail alike.
// Throws ConfigError naming the origin exactly as the user wrote it.
import { parse } from 'yaml';
import { formatDuration, parseGoDuration } from './duration';
import { ConfigError } from './errors';
import type { OptionSpec } from './options';

/** object: what a 'custom' option's parser returns (plain data, checked by validatePolicy). */
export type Value = string | number | boolean | string[] | object;

/** Go's strconv.ParseBool spellings, so `-d=1` and `-d=T` keep working. */
const TRUE = ['1', 't', 'T', 'TRUE', 'true', 'True'];
const FALSE = ['0', 'f', 'F', 'FALSE', 'false', 'False'];

export function parseBool(raw: string): boolean | undefined {
  if (TRUE.includes(raw)) return true;
  if (FALSE.includes(raw)) return false;
  return undefined;
}

/** `origin` is how the user named the setting: `-m`, `JIT_WATCHER_MAX_RESOURCES`, a YAML key. */
export function parseValue(spec: OptionSpec, raw: string | string[], origin: string): Value {
  if (spec.kind === 'custom') return parseCustom(spec, raw, origin);
  if (spec.kind === 'list') return parseList(raw);
  if (Array.isArray(raw)) throw new ConfigError(`${origin}: must be a single value, got a list`);
  const example = spec.example ? `, e.g. ${spec.example}` : '';
  switch (spec.kind) {
    case 'string':
      return raw;
    case 'bool': {
      const b = parseBool(raw);
      if (b === undefined)
        throw new ConfigError(
          `${origin}: not a boolean: ${JSON.stringify(raw)}; use true or false`,
        );
      return b;
    }
    case 'int': {
      if (!/^[+-]?\d+$/.test(raw.trim())) {
        throw new ConfigError(
          `${origin}: not a whole number: ${JSON.stringify(raw)}; use digits${example}`,
        );
      }
      const n = Number(raw.trim());
      checkRange(spec, n, String(n), origin, String);
      return n;
    }
    case 'duration': {
      const ms = parseGoDuration(raw.trim());
      if (ms === undefined) {
        throw new ConfigError(
          `${origin}: not a duration: ${JSON.stringify(raw)}; use a number with a unit${example || ', e.g. 30s'} (units: ms, s, m, h)`,
        );
      }
      checkRange(spec, ms, raw.trim(), origin, formatDuration);
      return ms;
    }
    case 'enum': {
      if (!spec.choices?.includes(raw)) {
        throw new ConfigError(
          `${origin}: must be one of ${spec.choices?.join(', ')}, got ${JSON.stringify(raw)}`,
        );
      }
      return raw;
    }
  }
}

/** A 'custom' option's own parser: raw is a flag's or variable's text, or the YAML value as is. */
export function parseCustom(spec: OptionSpec, raw: unknown, origin: string): Value {
  // A row of kind 'custom' without a parser is a programming error: fail loudly in tests.
  if (!spec.parse) throw new Error(`option ${spec.key} is 'custom' but has no parse`);
  // Text loses one pair of surrounding quotes, as lists do (no shell ran: systemd, Docker exec).
  let value = typeof raw === 'string' ? unquote(raw.trim()) : raw;
  if (typeof value === 'string' && spec.text === 'yaml') value = yamlFlow(value, origin);
  const parsed = spec.parse(value);
  if (!parsed.ok) throw new ConfigError(`${origin}: ${parsed.error}`);
  return parsed.value;
}

/** A flag's or variable's YAML flow text (`[{pattern: prod, maxAccess: 4h}]`, or JSON) as data. */
function yamlFlow(text: string, origin: string): unknown {
  try {
    return parse(text);
  } catch (err) {
    const first = (err instanceof Error ? err.message : String(err)).split('\n')[0];
    throw new ConfigError(
      `${origin}: not valid YAML flow: ${first}; write e.g. [{pattern: prod, maxAccess: 4h}]`,
    );
  }
}

function checkRange(
  spec: OptionSpec,
  n: number,
  shown: string,
  origin: string,
  format: (n: number) => string,
): void {
  if (spec.min !== undefined && n < spec.min) {
    throw new ConfigError(`${origin}: must be at least ${format(spec.min)}, got ${shown}`);
  }
  if (spec.max !== undefined && n > spec.max) {
    throw new ConfigError(`${origin}: must be at most ${format(spec.max)}, got ${shown}`);
  }
}

/**
 * Comma-separated, spaces trimmed, empties dropped. One pair of surrounding quotes is dropped too:
 * `-conflict-patterns="a,b"` reaches us quoted when no shell ran (systemd, Docker exec form).
 */
function parseList(raw: string | string[]): string[] {
  const items = Array.isArray(raw) ? raw : unquote(raw.trim()).split(',');
  return items.map((s) => s.trim()).filter((s) => s !== '');
}

function unquote(s: string): string {
  const quoted = s.length >= 2 && (s[0] === '"' || s[0] === "'") && s.endsWith(s[0]);
  return quoted ? s.slice(1, -1) : s;
}
