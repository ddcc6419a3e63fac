// `jit-watcher agreement [--since 30d] [--json]`: of the requests the watcher left to humans
// (auto-approval off, exemptions, escalations) that a human then approved or denied, how many the
// engine would have decided alike, and the ones it would not. Read back from the sweep histories.
import { ConfigError } from '../../config/errors';
import type { CommandFlagSpecs } from '../../config/load';
import { agreementReport, type AgreementReport } from '../../policy/agreement';
import { findHumanDecisions } from '../../temporal/findingsLog';
import { loadCommandConfig } from '../commandConfig';
import type { CliIo } from '../io';
import { sinceTime } from '../since';
import { table } from '../table';
import { optionalCluster, withTemporalClient } from '../temporalClient';
import { SWEEPS_CLUSTER_FLAG } from './control';

const FLAGS = {
  cluster: SWEEPS_CLUSTER_FLAG,
  since: {
    names: ['since'],
    kind: 'string',
    example: '30d',
    help: 'only human decisions read this long ago or later (default 30d)',
  },
  json: { names: ['json'], kind: 'bool', help: 'the report as one JSON object' },
} as const satisfies CommandFlagSpecs;

export async function agreementCommand(
  argv: string[],
  io: CliIo,
  now = new Date(),
): Promise<number> {
  const loaded = await loadCommandConfig(
    argv,
    io,
    FLAGS,
    'jit-watcher agreement [--since 30d] [--json]',
  );
  if (!loaded) return 0;
  const { config, flags, rest } = loaded;
  if (rest.length > 0)
    throw new ConfigError(
      `agreement: unexpected argument ${JSON.stringify(rest[0])}; it takes flags only`,
    );
  const text = flags.since ?? '30d';
  const since = sinceTime(text, now);
  const cluster = await optionalCluster(config, flags.cluster);
  const found = await withTemporalClient(config, (client) =>
    findHumanDecisions(client, { cluster, since }),
  );
  const report = agreementReport(found);
  io.stdout(flags.json ? JSON.stringify(report) + '\n' : formatAgreement(report, text));
  return 0;
}

export function formatAgreement(r: AgreementReport, since: string): string {
  if (r.decided === 0)
    return `no human decisions of requests left to humans in the last ${since}\n`;
  const pct = Math.round((r.rate ?? 0) * 1000) / 10;
  const lines = [
    `agreement  ${pct}%: humans decided ${r.decided} requests left to them (${r.approvedByHumans} approved, ${r.deniedByHumans} denied) in the last ${since}; the watcher would have decided ${r.agreed} alike`,
  ];
  if (r.differ.length > 0) {
    const rows = r.differ.map((d) => [
      d.requestId,
      d.user,
      d.leftBecause,
      `${d.human} (${d.reviewers.join(', ') || 'state set'})`,
      `${d.engine.action} (${d.engine.policy})`,
      d.engine.reason,
    ]);
    lines.push('', table(['REQUEST', 'USER', 'LEFT', 'HUMAN', 'WATCHER', 'WATCHER REASON'], rows));
  }
  return lines.join('\n') + '\n';
}
