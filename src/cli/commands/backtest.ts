// `jit-watcher backtest --policy candidate.yaml [--since 7d] [--json]`: what a policy change would
// have decided. Every evaluation recorded in the period is re-run on its recorded inputs, under the
// policy it was made under (which must reproduce it) and under the candidate; the requests whose
// decision differs are listed by the rule that makes the difference, with totals.
import type { Client } from '@temporalio/client';
import { ConfigError } from '../../config/errors';
import { loadConfig, type CommandFlagSpecs } from '../../config/load';
import {
  backtest,
  phrase,
  totals,
  type BacktestResult,
  type Change,
  type RecordedJudgement,
  type Verdict,
} from '../../policy/backtest';
import type { Policy } from '../../policy/types';
import { policyVersion } from '../../policy/version';
import { sweepRuns } from '../../temporal/decisionLog';
import { loadCommandConfig } from '../commandConfig';
import type { CliIo } from '../io';
import { sinceTime } from '../since';
import { table } from '../table';
import { optionalCluster, withTemporalClient } from '../temporalClient';
import { SWEEPS_CLUSTER_FLAG } from './control';

const FLAGS = {
  cluster: SWEEPS_CLUSTER_FLAG,
  candidate: {
    names: ['policy'],
    kind: 'string',
    example: 'FILE',
    help: 'the candidate: a YAML file with a policy: section, as --config takes (deploy/policy.yaml)',
  },
  since: {
    names: ['since'],
    kind: 'string',
    example: '7d',
    help: 'evaluations of sweeps started this long ago or later (default 7d)',
  },
  json: { names: ['json'], kind: 'bool', help: 'print the result as one JSON document' },
} as const satisfies CommandFlagSpecs;

const DEFAULT_SINCE = '7d';
/** Sweep histories fetched at once: enough to hide the round trips, not a burst. */
const READ_CONCURRENCY = 8;
/** Requests listed under each rule in the text output; --json lists them all. */
const LISTED_PER_RULE = 20;

export const BACKTEST_CAVEAT =
  "Each evaluation is re-run on the inputs it recorded: a user's later evaluations still see the holdings they saw, not the ones the candidate's own decisions would have left.";

export async function backtestCommand(
  argv: string[],
  io: CliIo,
  now = new Date(),
): Promise<number> {
  const loaded = await loadCommandConfig(
    argv,
    io,
    FLAGS,
    'jit-watcher backtest --policy candidate.yaml [--since 7d] [--json]',
  );
  if (!loaded) return 0;
  const { config, flags } = loaded;
  if (!flags.candidate)
    throw new ConfigError(
      '--policy: missing; pass the candidate policy file, e.g. --policy candidate.yaml',
    );
  const candidate = await loadCandidate(flags.candidate, io);
  const since = sinceTime(flags.since ?? DEFAULT_SINCE, now);

  const started = performance.now();
  const cluster = await optionalCluster(config, flags.cluster);
  const read = await withTemporalClient(config, (client) =>
    readEvaluations(client, since, cluster, io),
  );
  const readSeconds = (performance.now() - started) / 1000;
  io.progress?.('');
  const judging = performance.now();
  const result = backtest(read.judgements, candidate);
  const judgeSeconds = (performance.now() - judging) / 1000;

  const report: Report = {
    candidate: { file: flags.candidate, version: policyVersion(candidate) },
    since: since.toISOString(),
    runs: read.runs,
    withoutInputs: read.withoutInputs,
    ...result,
    totals: totals(result.changes).map((t) => ({ ...t, text: phrase(t) })),
    timing: {
      readSeconds: round(readSeconds),
      judgeSeconds: round(judgeSeconds),
      perSecond: Math.round((2 * result.evaluations) / Math.max(judgeSeconds, 1e-6)),
    },
  };
  io.stdout(flags.json ? JSON.stringify(report, null, 2) + '\n' : formatReport(report));
  return result.reproduced === result.evaluations ? 0 : 1;
}

/** The candidate file's policy, loaded and checked as the service loads its --config. */
async function loadCandidate(file: string, io: CliIo): Promise<Policy> {
  let text: string;
  try {
    text = await io.readFile(file);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new ConfigError(`--policy: cannot read ${JSON.stringify(file)}: ${why}`);
  }
  if (!/^policy\s*:/m.test(text))
    throw new ConfigError(
      `--policy: ${file} has no policy: section; a candidate is a config file like deploy/policy.yaml`,
    );
  // Only the file: the environment's settings are the live service's, not the candidate's.
  const { config } = await loadConfig({
    argv: ['--config', file],
    env: {},
    readFile: () => Promise.resolve(text),
    requireTeleport: false,
  });
  return config.policy;
}

interface Read {
  judgements: RecordedJudgement[];
  runs: number;
  withoutInputs: number;
}

async function readEvaluations(
  client: Client,
  since: Date,
  cluster: string | undefined,
  io: CliIo,
): Promise<Read> {
  const out: Read = { judgements: [], runs: 0, withoutInputs: 0 };
  const every = { cluster, since, maxRuns: Number.POSITIVE_INFINITY };
  for await (const run of sweepRuns(client, every, READ_CONCURRENCY)) {
    out.runs += 1;
    // Each result names its policy's version; the sweep's input holds the policy of that version.
    const runVersion = run.policy ? policyVersion(run.policy) : undefined;
    for (const e of run.evaluations) {
      if (!e.inputs) {
        out.withoutInputs += 1;
        continue;
      }
      out.judgements.push({
        at: e.at,
        inputs: e.inputs,
        decisions: e.decisions,
        ...(run.policy && runVersion === e.policyVersion ? { policy: run.policy } : {}),
      });
    }
    io.progress?.(`read ${out.runs} sweep runs, ${out.judgements.length} evaluations`);
  }
  return out;
}

interface Report extends BacktestResult {
  candidate: { file: string; version: string };
  since: string;
  runs: number;
  withoutInputs: number;
  totals: Array<ReturnType<typeof totals>[number] & { text: string }>;
  /** Reading the histories, and re-running every evaluation twice (its policy, the candidate). */
  timing: { readSeconds: number; judgeSeconds: number; perSecond: number };
}

function formatReport(r: Report): string {
  const lines = [
    `backtest of ${r.candidate.file} (policy ${r.candidate.version}) against ${r.evaluations} recorded evaluations since ${r.since} (${r.runs} sweep runs)`,
    BACKTEST_CAVEAT,
    `reproduced ${r.reproduced} of ${r.evaluations} under the policy they were made under`,
  ];
  if (r.withoutInputs > 0)
    lines.push(`${r.withoutInputs} evaluations made before inputs were recorded: not re-run`);
  if (r.reproduced < r.evaluations) {
    lines.push(
      `NOT reproduced: ${r.evaluations - r.reproduced} (a bug: please report it with this list)`,
    );
    for (const n of r.notReproduced)
      lines.push(
        `  ${n.at} ${n.subject}: recorded ${n.recorded.map(brief).join(', ') || 'nothing'}; ${n.why ?? `re-run ${n.rerun.map(brief).join(', ') || 'nothing'}`}`,
      );
  }
  lines.push('');
  if (r.changes.length === 0) {
    lines.push('no decision would differ under the candidate');
  } else {
    lines.push('what would differ (each request once, at its latest evaluation):');
    const byRule = new Map<string, Change[]>();
    for (const c of r.changes) byRule.set(c.rule, [...(byRule.get(c.rule) ?? []), c]);
    for (const [rule, changes] of [...byRule].sort(([a], [b]) => (a < b ? -1 : 1))) {
      lines.push('', `${rule}:`);
      const rows = changes
        .slice(0, LISTED_PER_RULE)
        .map((c) => [
          c.requestId,
          c.user,
          c.at,
          brief(c.recorded),
          brief(c.candidate),
          reasonOf(c),
        ]);
      lines.push(
        indent(table(['REQUEST', 'USER', 'LATEST', 'RECORDED', 'CANDIDATE', 'WHY'], rows)),
      );
      if (changes.length > LISTED_PER_RULE)
        lines.push(`  ... and ${changes.length - LISTED_PER_RULE} more (--json lists all)`);
    }
    lines.push('', `totals: ${r.totals.map((t) => t.text).join(', ')}`);
  }
  lines.push(
    `re-evaluated ${r.evaluations} evaluations twice in ${r.timing.judgeSeconds} s (${r.timing.perSecond.toLocaleString('en')}/s); histories read in ${r.timing.readSeconds} s`,
  );
  return lines.join('\n') + '\n';
}

function brief(v: Verdict): string {
  return v.policy ? `${v.action} (${v.policy})` : v.action;
}

/** The candidate's reason when it acts, else the recorded one it no longer gives. */
function reasonOf(c: Change): string {
  return c.candidate.reason ?? c.recorded.reason ?? '';
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
