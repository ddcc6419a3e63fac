// `jit-watcher decisions [--user U] [--request ID] [--since 24h] [--json]`: every recorded decision
// with its reason, read back from the sweep histories in Temporal.
import { ConfigError } from '../../config/errors';
import { parseGoDuration } from '../../config/duration';
import type { CommandFlagSpecs } from '../../config/load';
import { loadCommandConfig } from '../commandConfig';
import { findDecisions, type LoggedDecision } from '../../temporal/decisionLog';
import type { CliIo } from '../io';
import { table } from '../table';
import { printShadowDisagreements } from './shadowDecisions';
import { withTemporalClient } from '../temporalClient';

const FLAGS = {
  user: {
    names: ['user'],
    kind: 'string',
    example: 'USER',
    help: 'only decisions about this user',
  },
  request: {
    names: ['request'],
    kind: 'string',
    example: 'ID',
    help: 'only decisions about this request',
  },
  since: {
    names: ['since'],
    kind: 'string',
    example: '24h',
    help: 'only sweeps started this long ago or later',
  },
  json: { names: ['json'], kind: 'bool', help: 'one JSON object per line' },
  shadow: {
    names: ['shadow'],
    kind: 'bool',
    help: 'where the shadow policy disagreed with the live one (acted on nothing)',
  },
} as const satisfies CommandFlagSpecs;

export async function decisionsCommand(
  argv: string[],
  io: CliIo,
  now = new Date(),
): Promise<number> {
  const loaded = await loadCommandConfig(
    argv,
    io,
    FLAGS,
    'jit-watcher decisions [--user USER] [--request ID] [--since 24h] [--json] [--shadow]',
  );
  if (!loaded) return 0;
  const { config, flags } = loaded;
  let since: Date | undefined;
  if (flags.since) {
    const ms = parseGoDuration(flags.since, { days: true });
    if (ms === undefined || ms < 0)
      throw new ConfigError(
        `--since: not a duration: ${JSON.stringify(flags.since)}; use e.g. 24h, 90m or 2d`,
      );
    since = new Date(now.getTime() - ms);
  }
  if (flags.shadow) {
    const q = { user: flags.user, requestId: flags.request, since };
    await withTemporalClient(config, (client) =>
      printShadowDisagreements(client, q, flags.json === true, io),
    );
    return 0;
  }
  const found = await withTemporalClient(config, (client) =>
    findDecisions(client, { user: flags.user, requestId: flags.request, since }),
  );
  if (flags.json) {
    for (const d of found) io.stdout(JSON.stringify(d) + '\n');
  } else {
    io.stdout(formatDecisions(found));
  }
  return 0;
}

function formatDecisions(found: LoggedDecision[]): string {
  if (found.length === 0) return 'no decisions found\n';
  const rows = found.map((d) => [
    d.at,
    d.decision.requestId,
    d.decision.user,
    d.decision.action,
    d.decision.policy,
    d.outcome?.status ?? '-',
    d.decision.reason,
  ]);
  const header = ['TIME', 'REQUEST', 'USER', 'ACTION', 'POLICY', 'OUTCOME', 'REASON'];
  return table(header, rows) + '\n';
}
