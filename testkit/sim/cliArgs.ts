// Argument handling shared by the sim CLI's commands: the IO seam, flag parsing (the product's
// parser, so the sim takes the same -name=value / --name value syntax), and the usage error that
// the entry point turns into exit code 2. No command logic and no I/O of its own.
import { ConfigError } from '../../src/config/errors';
import { parseArgs, type FlagDef } from '../../src/config/flags';
import { parseBool } from '../../src/config/values';

export interface SimIo {
  stdout(line: string): void;
  stderr(line: string): void;
  /** Ends `sim start`; without it, SIGINT/SIGTERM do. */
  signal?: AbortSignal;
}

/** Where `sim start` leaves its state unless --dir says otherwise (relative to the cwd). */
export const DEFAULT_DIR = '.sim';
export const USAGE = [
  'usage: sim start [--auth-port N] [--proxy-port N] [--dir DIR] [--cluster NAME] [--no-list-access-requests]',
  '       sim create-request --user U --roles r1,r2 [--resources kind/name,...] [--reason R] [--dir DIR]',
  '       sim list [--dir DIR]',
  '       sim locks [--dir DIR]',
  '       sim issue-identity --user U --roles r1,r2 [--ttl 1h] [--requests id,...] --out FILE [--dir DIR]',
].join('\n');

/** A mistake in the command line: reported with the usage text and exit code 2. */
export class UsageError extends Error {}

export const list = (v: string | undefined) =>
  (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
export const required = (v: string | undefined, flag: string) => {
  if (!v) throw new UsageError(`missing required flag --${flag}`);
  return v;
};

export type Flags = Record<string, { type: 'string' | 'boolean' }>;
export type FlagValues = Record<string, string | boolean | undefined>;

/** Flags of one command (every command takes --dir); unknown flags are usage errors. */
export function parse(rest: string[], options: Flags): FlagValues {
  const all: Flags = { dir: { type: 'string' }, ...options };
  const defs: Array<FlagDef & { key: string }> = Object.entries(all).map(([key, o]) => ({
    key,
    names: [key],
    bool: o.type === 'boolean',
  }));
  const parsed = usage(() => parseArgs(rest, defs, []));
  if (parsed.rest.length > 0)
    throw new UsageError(`unexpected argument ${JSON.stringify(parsed.rest[0])}`);
  const values: FlagValues = {};
  for (const { def, origin, value } of parsed.hits) {
    if (!def.bool) {
      values[def.key] = value;
      continue;
    }
    const b = parseBool(value);
    if (b === undefined)
      throw new UsageError(`${origin}: not true or false: ${JSON.stringify(value)}`);
    values[def.key] = b;
  }
  return values;
}

/** The product's parser reports configuration errors; here they are command-line mistakes. */
function usage<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(err.message);
    throw err;
  }
}
