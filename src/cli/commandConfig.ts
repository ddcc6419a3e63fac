// The preamble every non-service command shares: load the configuration with the command's own
// flags and, for -h/--help, print its usage and stop. Returns undefined when help was printed.
import { usage } from '../config/help';
import { loadConfig, type CommandFlagSpecs, type LoadedConfig } from '../config/load';

export interface CommandIo {
  stdout: (s: string) => void;
  env: Record<string, string | undefined>;
  readFile: (path: string) => Promise<string>;
}

export async function loadCommandConfig<F extends CommandFlagSpecs>(
  argv: string[],
  io: CommandIo,
  flags: F,
  usageLine: string,
): Promise<LoadedConfig<F> | undefined> {
  const loaded = await loadConfig({
    argv,
    env: io.env,
    readFile: io.readFile,
    requireTeleport: false,
    commandFlags: flags,
  });
  if (!loaded.help) return loaded;
  io.stdout(usage(usageLine, flags));
  return undefined;
}
