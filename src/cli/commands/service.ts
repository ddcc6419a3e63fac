// `jit-watcher run` and `jit-watcher worker`: the long-running service. `run` (also what the Go
// sample's bare flags mean) additionally ensures the cluster's watcher workflow runs with this
// configuration; `worker` only executes work, for extra replicas.
import { usage } from '../../config/help';
import { loadConfig } from '../../config/load';
import { runService } from '../../app/service';
import { createLogger } from '../../util/logger';
import type { CliIo } from '../io';

export async function serviceCommand(
  mode: 'run' | 'worker',
  argv: string[],
  io: CliIo,
): Promise<number> {
  const loaded = await loadConfig({
    argv,
    env: io.env,
    readFile: io.readFile,
    requireTeleport: !argv.some(isHelp),
  });
  if (loaded.help) {
    io.stdout(usage(`jit-watcher ${mode} -p HOST:PORT -i IDENTITY_FILE [flags]`));
    return 0;
  }
  const { config } = loaded;
  const log = createLogger({ level: config.debug ? 'debug' : config.logLevel });
  await runService({ config, log, ensureWatcher: mode === 'run' });
  return 0;
}

function isHelp(arg: string): boolean {
  return arg === '-h' || arg === '--help' || arg === '-help';
}
