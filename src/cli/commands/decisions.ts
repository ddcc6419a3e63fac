// `jit-watcher decisions [--user U] [--request ID] [--since 24h] [--json | --jsonl | --explain]`:
// every recorded decision with its reason, read back from the sweep histories in Temporal; with
// its policy version and inputs, re-run with `--explain`, streamed for a SIEM with `--jsonl`.
import { ConfigError } from '../../config/errors';
import type { CommandFlagSpecs } from '../../config/load';
import { loadCommandConfig } from '../commandConfig';
import { findDecisions, sweepRuns, type LoggedDecision } from '../../temporal/decisionLog';
import { explainRequest } from '../explain';
import { sinceTime } from '../since';
import type { CliIo } from '../io';
import { table } from '../table';
import { printShadowDisagreements } from './shadowDecisions';
import { optionalCluster, withTemporalClient } from '../temporalClient';
import { SWEEPS_CLUSTER_FLAG } from './control';

const FLAGS = {
  cluster: SWEEPS_CLUSTER_FLAG,
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
  jsonl: {
    names: ['jsonl'],
    kind: 'bool',
    help: 'stream every decision in the period (all sweeps, newest first) as JSON lines, with its policy version and inputs: for a SIEM',
  },
  explain: {
    names: ['explain'],
    kind: 'bool',
    help: 'with --request: the decision, its policy version and inputs, re-evaluated with that policy',
  },
} as const satisfies CommandFlagSpecs;

/** Sweep histories fetched at once by --jsonl: enough to hide the round trips, not a burst. */
const EXPORT_CONCURRENCY = 8;

export async function decisionsCommand(
  argv: string[],
  io: CliIo,
  now = new Date(),
): Promise<number> {
  const loaded = await loadCommandConfig(
    argv,
    io,
    FLAGS,
    'jit-watcher decisions [--user USER] [--request ID] [--since 24h] [--json | --jsonl | --explain | --shadow]',
  );
  if (!loaded) return 0;
  const { config, flags } = loaded;
  const since = flags.since ? sinceTime(flags.since, now) : undefined;
  if (flags.explain && !flags.request)
    throw new ConfigError('--explain: needs --request ID, the request whose decision to explain');
  if ([flags.jsonl, flags.explain, flags.shadow].filter(Boolean).length > 1)
    throw new ConfigError('--jsonl, --explain and --shadow: choose one');
  if (flags.json && (flags.jsonl || flags.explain))
    throw new ConfigError('--json, --jsonl and --explain: choose one');
  const cluster = await optionalCluster(config, flags.cluster);
  const query = { cluster, user: flags.user, requestId: flags.request, since };
  if (flags.shadow) {
    await withTemporalClient(config, (client) =>
      printShadowDisagreements(client, query, flags.json === true, io),
    );
    return 0;
  }
  if (flags.explain)
    return withTemporalClient(config, async (client) => {
      const explained = await explainRequest(client, query);
      io.stdout(explained.text);
      return explained.reproduced ? 0 : 1;
    });
  if (flags.jsonl)
    return withTemporalClient(config, async (client) => {
      const every = { ...query, maxRuns: Number.POSITIVE_INFINITY };
      for await (const run of sweepRuns(client, every, EXPORT_CONCURRENCY))
        for (const d of run.decisions) io.stdout(JSON.stringify(d) + '\n');
      return 0;
    });
  const found = await withTemporalClient(config, (client) => findDecisions(client, query));
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
