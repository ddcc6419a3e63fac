// A loadConfig harness with an in-memory file system, so config tests need no disk.
import { loadConfig, type CommandFlagSpecs, type LoadedConfig } from '../../../src/config/load';

export const IDENTITY = '/path/to/identity';

export interface Setup {
  env?: Record<string, string | undefined>;
  files?: Record<string, string>;
  requireTeleport?: boolean;
}

export function load<F extends CommandFlagSpecs = Record<never, never>>(
  argv: string[],
  setup: Setup = {},
  commandFlags?: F,
): Promise<LoadedConfig<F>> {
  const files: Record<string, string> = {
    [IDENTITY]: 'identity',
    './identity': 'identity',
    '/opt/machine-id/jit-watcher.identity': 'identity',
    ...setup.files,
  };
  return loadConfig({
    argv,
    env: setup.env ?? {},
    readFile: (path) => {
      const text = files[path];
      return text === undefined
        ? Promise.reject(new Error(`ENOENT: ${path}`))
        : Promise.resolve(text);
    },
    requireTeleport: setup.requireTeleport ?? true,
    commandFlags,
  });
}

/** Splits a command line the way a shell would for these simple cases (no quotes inside). */
export function words(line: string): string[] {
  return line.split(/\s+/).filter((w) => w !== '');
}
