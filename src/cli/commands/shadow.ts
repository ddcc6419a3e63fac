// `jit-watcher shadow set FILE | clear | show`: shadow mode. A candidate policy, in the same file
// format as the live one (a configuration file's `policy:` section) and checked alike, is judged
// beside the live policy on every evaluation, acting on nothing, until `shadow clear`.
import { ConfigError } from '../../config/errors';
import { loadConfig, type CommandFlagSpecs } from '../../config/load';
import type { Policy } from '../../policy/types';
import { watcherControl } from '../../temporal/control';
import { watcherWorkflowId } from '../../temporal/names';
import { loadCommandConfig } from '../commandConfig';
import { CLUSTER_FLAG } from './control';
import type { CliIo } from '../io';
import { resolveCluster, withTemporalClient } from '../temporalClient';

const FLAGS = { cluster: CLUSTER_FLAG } as const satisfies CommandFlagSpecs;

const USAGE =
  'jit-watcher shadow set CANDIDATE.yaml | clear | show [--cluster NAME | -i IDENTITY_FILE] [--temporal-address HOST:PORT]';

export async function shadowCommand(argv: string[], io: CliIo): Promise<number> {
  const loaded = await loadCommandConfig(argv, io, FLAGS, USAGE);
  if (!loaded) return 0;
  const { config, flags, rest } = loaded;
  const [verb, file, ...extra] = rest;
  if (verb !== 'set' && verb !== 'clear' && verb !== 'show')
    throw new ConfigError(
      `shadow: expected set FILE, clear or show, got ${verb === undefined ? 'nothing' : JSON.stringify(verb)}`,
    );
  if (verb === 'set' && file === undefined)
    throw new ConfigError(
      'shadow set: name the candidate policy file, e.g. shadow set candidate.yaml',
    );
  const unexpected = verb === 'set' ? extra[0] : file;
  if (unexpected !== undefined)
    throw new ConfigError(`shadow ${verb}: unexpected argument ${JSON.stringify(unexpected)}`);
  // Read and checked before anything reaches Temporal: a bad file is one line here.
  const candidate =
    verb === 'set' && file !== undefined ? await candidatePolicy(file, io) : undefined;
  const cluster = await resolveCluster(config, flags.cluster);
  const id = watcherWorkflowId(cluster);
  return withTemporalClient(config, async (client) => {
    const control = watcherControl(client, cluster);
    if (candidate) {
      const status = await control.commands.setShadow(candidate);
      io.stdout(
        `shadow policy ${status.shadow?.version ?? ''} set on ${id}: every evaluation also judges by it, acting on nothing\n`,
      );
    } else if (verb === 'clear') {
      await control.commands.clearShadow();
      io.stdout(`shadow policy cleared on ${id}\n`);
    } else {
      const shadow = await control.shadow();
      io.stdout(shadow ? JSON.stringify(shadow, null, 2) + '\n' : `no shadow policy on ${id}\n`);
    }
    return 0;
  });
}

/** The candidate file's `policy:` section over the defaults, with the checks the live one gets. */
async function candidatePolicy(file: string, io: CliIo): Promise<Policy> {
  try {
    const loaded = await loadConfig({
      argv: ['--config', file],
      env: {},
      readFile: io.readFile,
      requireTeleport: false,
    });
    return loaded.config.policy;
  } catch (err) {
    if (err instanceof ConfigError)
      throw new ConfigError(`shadow set ${file}: ${err.message.replace(/^--config: /, '')}`);
    throw err;
  }
}
