// Builds the one validated Config: defaults <- YAML file (--config) <- environment <- flags, each
// later source winning per setting. Every failure is one ConfigError line naming the flag, variable
// or key exactly as the user wrote it. Reads files only through the injected readFile/fileExists.
import { validatePolicy, type PolicyKey } from '../policy/policy';
import { ConfigError } from './errors';
import { parseArgs, type FlagDef } from './flags';
import {
  CONFIG_FILE_OPTION,
  HELP_FLAGS,
  OPTIONS,
  displayName,
  optionByKey,
  type OptionSpec,
} from './options';
import { fromEnv, fromYaml, type Assignment } from './sources';
import { defaultConfig, type Config } from './types';
import { parseBool, parseValue, type Value } from './values';

/** A flag one command adds for itself, e.g. simulate's --snapshot and --json. */
export interface CommandFlagSpec {
  names: readonly string[];
  kind: 'string' | 'bool';
  help: string;
  example?: string;
}

export type CommandFlagSpecs = Record<string, CommandFlagSpec>;

export type CommandFlagValues<F extends CommandFlagSpecs> = {
  [K in keyof F]?: F[K]['kind'] extends 'bool' ? boolean : string;
};

export interface LoadOptions<F extends CommandFlagSpecs> {
  /** Arguments after the program and command names. */
  argv: readonly string[];
  env: Record<string, string | undefined>;
  readFile: (path: string) => Promise<string>;
  /** Defaults to "readFile succeeds": the identity file must be readable anyway. */
  fileExists?: (path: string) => Promise<boolean>;
  /** True for commands that talk to Teleport: -p and -i become required, the identity file must exist. */
  requireTeleport: boolean;
  commandFlags?: F;
}

export interface LoadedConfig<F extends CommandFlagSpecs> {
  config: Config;
  /** Non-flag arguments, for the command to use or refuse. */
  rest: string[];
  flags: CommandFlagValues<F>;
  /** -h/--help was given: config is then the defaults, unvalidated; print usage() and exit 0. */
  help: boolean;
  /** Where each setting that is not a default came from, by Config key. */
  origins: Record<string, string>;
}

interface Def extends FlagDef {
  spec?: OptionSpec;
  command?: string;
}

export async function loadConfig<F extends CommandFlagSpecs = Record<never, CommandFlagSpec>>(
  opts: LoadOptions<F>,
): Promise<LoadedConfig<F>> {
  const commandFlags = (opts.commandFlags ?? {}) as F;
  const parsed = parseArgs(opts.argv, flagDefs(commandFlags), HELP_FLAGS);
  const flags: Record<string, boolean | string> = {};
  const fromFlags: Assignment[] = [];
  let configFile: string | undefined;
  for (const { def, origin, value } of parsed.hits) {
    if (def.command !== undefined) flags[def.command] = def.bool ? boolValue(value, origin) : value;
    else if (def.spec === CONFIG_FILE_OPTION) configFile = value;
    else if (def.spec) {
      const parsedValue = parseValue(def.spec, value, origin);
      const earlier = fromFlags.find((a) => a.key === def.spec?.key);
      // A repeated list flag appends, as the Go sample did: `-conflict-patterns prod
      // -conflict-patterns research` means prod,research. Any other flag: the last one wins.
      if (earlier && Array.isArray(earlier.value) && Array.isArray(parsedValue)) {
        earlier.value = [...earlier.value, ...parsedValue];
      } else {
        fromFlags.push({ key: def.spec.key, value: parsedValue, origin });
      }
    }
  }
  const result = { rest: parsed.rest, flags: flags as CommandFlagValues<F>, help: parsed.help };
  if (parsed.help) return { ...result, config: defaultConfig(), origins: {} };

  const fromEnvironment = fromEnv(opts.env);
  configFile ??= nonEmpty(opts.env[CONFIG_FILE_OPTION.env[0] ?? '']);
  const fromFile =
    configFile === undefined ? [] : fromYaml(await read(opts.readFile, configFile), configFile);

  const config = defaultConfig();
  const origins: Record<string, string> = {};
  const layer: Record<string, number> = {};
  const layers = [fromFile, fromEnvironment, fromFlags];
  layers.forEach((assignments, rank) => {
    for (const a of assignments) {
      setPath(config, a.key, a.value);
      origins[a.key] = a.origin;
      layer[a.key] = rank;
    }
  });
  // -d means debug output, unless a log level was chosen at the same or a stronger layer.
  if (config.debug && (layer.logLevel ?? -1) < (layer.debug ?? -1)) config.logLevel = 'debug';
  await validate(config, origins, opts);
  return { ...result, config, origins };
}

function flagDefs(commandFlags: CommandFlagSpecs): Def[] {
  const defs: Def[] = [...OPTIONS, CONFIG_FILE_OPTION]
    .filter((spec) => spec.flags.length > 0)
    .map((spec) => ({
      names: spec.flags,
      bool: spec.kind === 'bool',
      example: spec.example,
      spec,
    }));
  const taken = new Set(defs.flatMap((d) => d.names));
  for (const [command, spec] of Object.entries(commandFlags)) {
    const clash = spec.names.find((n) => taken.has(n));
    // A programming error in a command, not a user error: fail loudly in tests.
    if (clash) throw new Error(`command flag --${clash} is already a global flag`);
    defs.push({ names: spec.names, bool: spec.kind === 'bool', example: spec.example, command });
  }
  return defs;
}

async function validate(
  config: Config,
  origins: Record<string, string>,
  opts: LoadOptions<CommandFlagSpecs>,
): Promise<void> {
  const nameOf = (key: string) => {
    const spec = optionByKey(key);
    return origins[key] ?? (spec ? displayName(spec) : key);
  };
  if (opts.requireTeleport) {
    for (const key of ['teleport.address', 'teleport.identityFile']) {
      const spec = optionByKey(key);
      if (spec && getPath(config, key) === '') {
        throw new ConfigError(
          `missing required flag ${displayName(spec)}: ${spec.help.replace(/ \(.*\)$/, '')}, e.g. ` +
            `${displayName(spec)} ${spec.example ?? ''} (or set ${spec.env[0]})`,
        );
      }
    }
    const file = config.teleport.identityFile;
    const exists =
      opts.fileExists ??
      ((p: string) =>
        opts.readFile(p).then(
          () => true,
          () => false,
        ));
    if (!(await exists(file))) {
      throw new ConfigError(
        `${nameOf('teleport.identityFile')}: identity file not found or unreadable: ${JSON.stringify(file)}; ` +
          'pass the path of the Machine ID identity file',
      );
    }
  }
  const [problem] = validatePolicy(config.policy, (key: PolicyKey) => nameOf(`policy.${key}`));
  if (problem !== undefined) throw new ConfigError(problem);
  const apiKeyFrom =
    config.temporal.apiKey !== undefined
      ? 'TEMPORAL_API_KEY'
      : config.temporal.apiKeyFile !== undefined
        ? nameOf('temporal.apiKeyFile')
        : undefined;
  if (opts.requireTeleport && apiKeyFrom && config.temporal.address === '') {
    throw new ConfigError(
      `${apiKeyFrom} is set but no ${nameOf('temporal.address')} is given: the API key is for a remote Temporal (e.g. Temporal Cloud); pass --temporal-address, or unset it to use the embedded dev server`,
    );
  }

  const tls = config.temporal.tls;
  if (tls && (tls.certFile === undefined) !== (tls.keyFile === undefined)) {
    const [given, missing] = tls.certFile ? ['certFile', 'keyFile'] : ['keyFile', 'certFile'];
    throw new ConfigError(
      `${nameOf(`temporal.tls.${given}`)}: needs ${nameOf(`temporal.tls.${missing}`)} too; a client certificate and its key go together`,
    );
  }
  const listen = config.metrics.listen;
  if (listen !== '' && !/^(\[[0-9a-fA-F:.]+\]|[^:\s]*):\d{1,5}$/.test(listen)) {
    throw new ConfigError(
      `${nameOf('metrics.listen')}: expected host:port, e.g. 127.0.0.1:9464, got ${JSON.stringify(listen)}; use "" to disable metrics`,
    );
  }
}

async function read(readFile: (path: string) => Promise<string>, path: string): Promise<string> {
  try {
    return await readFile(path);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new ConfigError(`--config: cannot read ${JSON.stringify(path)}: ${why}`);
  }
}

function boolValue(raw: string, origin: string): boolean {
  const b = parseBool(raw);
  if (b === undefined)
    throw new ConfigError(`${origin}: not a boolean: ${JSON.stringify(raw)}; use true or false`);
  return b;
}

function nonEmpty(s: string | undefined): string | undefined {
  return s === '' ? undefined : s;
}

/** Config paths come from the OPTIONS table, whose every key a unit test resolves against Config. */
function setPath(config: Config, path: string, value: Value): void {
  const parts = path.split('.');
  const last = parts.pop() ?? '';
  // Walking by string keys needs an index signature; the table test keeps the paths honest.
  let node = config as unknown as Record<string, unknown>;
  for (const part of parts) {
    node[part] ??= {};
    node = node[part] as Record<string, unknown>;
  }
  node[last] = value;
}

export function getPath(config: Config, path: string): unknown {
  let node: unknown = config;
  for (const part of path.split('.')) node = (node as Record<string, unknown> | undefined)?.[part];
  return node;
}
