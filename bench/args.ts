// The benchmarks' command lines: whole-number flags (`--open 10000` or `--open=10000`) and sizes
// as positional arguments, parsed by the service's own flag parser so the syntax is the same.
import { parseArgs, type FlagDef, type ParsedArgs } from '../src/config/flags';

export interface BenchArgs<K extends string> {
  flags: Record<K, number>;
  /** Positional arguments, each a whole number above zero. */
  positional: number[];
}

export function benchArgs<K extends string>(
  argv: readonly string[],
  defaults: Record<K, number>,
  usage: string,
): BenchArgs<K> {
  const names = Object.keys(defaults) as K[];
  const defs: FlagDef[] = names.map((name) => ({ names: [name], bool: false, example: '100' }));
  let parsed: ParsedArgs<FlagDef>;
  try {
    parsed = parseArgs(argv, defs, ['h', 'help']);
  } catch (err) {
    throw new Error(`${err instanceof Error ? err.message : String(err)}; usage: ${usage}`, {
      cause: err,
    });
  }
  if (parsed.help) throw new Error(`usage: ${usage}`);
  const flags = { ...defaults };
  for (const hit of parsed.hits) {
    flags[hit.def.names[0] as K] = wholeNumber(hit.value, hit.origin, usage, 0);
  }
  const positional = parsed.rest.map((arg) => wholeNumber(arg, 'a size', usage, 1));
  return { flags, positional };
}

function wholeNumber(text: string, what: string, usage: string, min: number): number {
  const n = Number(text);
  if (text === '' || !Number.isInteger(n) || n < min) {
    throw new Error(
      `${what}: ${JSON.stringify(text)} is not a whole number of at least ${min}; usage: ${usage}`,
    );
  }
  return n;
}
