// Command-line parsing that accepts both Go's flag syntax (the sample's users) and GNU style:
// -name=value, -name value, --name=value, --name value; booleans as -d, -d=false, --debug. Pure:
// argv in, raw hits out; an unknown flag is refused with the nearest valid one suggested.
import { ConfigError } from './errors';
import { nearest } from './suggest';

export interface FlagDef {
  /** Names without dashes. */
  names: readonly string[];
  bool: boolean;
  example?: string;
}

export interface FlagHit<D extends FlagDef> {
  def: D;
  /** The flag as typed, dashes included, without any =value: how messages name it. */
  origin: string;
  value: string;
}

export interface ParsedArgs<D extends FlagDef> {
  hits: FlagHit<D>[];
  /** Arguments that are not flags, in order, plus everything after `--`. */
  rest: string[];
  help: boolean;
}

/**
 * Unlike Go's flag package, parsing goes on past the first non-flag argument (GNU style), so
 * `simulate --snapshot f --json` and `--json simulate` both work. A later flag overrides an
 * earlier one, as in Go. Booleans never take the next argument: `-d false` leaves "false" in rest.
 */
export function parseArgs<D extends FlagDef>(
  argv: readonly string[],
  defs: readonly D[],
  helpNames: readonly string[],
): ParsedArgs<D> {
  const byName = new Map<string, D>();
  for (const def of defs) for (const name of def.names) byName.set(name, def);
  const parsed: ParsedArgs<D> = { hits: [], rest: [], help: false };

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') {
      parsed.rest.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      parsed.rest.push(arg);
      continue;
    }
    const dashes = arg.startsWith('--') ? '--' : '-';
    const body = arg.slice(dashes.length);
    if (body === '' || body.startsWith('-') || body.startsWith('=')) {
      throw new ConfigError(`bad flag syntax: ${arg}; write -name=value or --name value`);
    }
    const eq = body.indexOf('=');
    const name = eq < 0 ? body : body.slice(0, eq);
    const inline = eq < 0 ? undefined : body.slice(eq + 1);
    if (helpNames.includes(name)) {
      parsed.help = true;
      continue;
    }
    const def = byName.get(name);
    if (!def) throw new ConfigError(unknownFlag(dashes, name, [...byName.keys(), ...helpNames]));
    const origin = `${dashes}${name}`;
    let value = inline;
    if (value === undefined && def.bool) value = 'true';
    if (value === undefined) {
      if (i + 1 >= argv.length) {
        throw new ConfigError(`${origin}: needs a value, e.g. ${origin}=${def.example ?? 'VALUE'}`);
      }
      value = argv[++i] ?? '';
    }
    parsed.hits.push({ def, origin, value });
  }
  return parsed;
}

function unknownFlag(dashes: string, name: string, known: string[]): string {
  const guess = nearest(name, known);
  const hint = guess ? `did you mean ${dashes}${guess}?` : 'run with --help to list the flags';
  return `unknown flag ${dashes}${name}; ${hint}`;
}
