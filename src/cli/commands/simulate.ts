// `jit-watcher simulate --snapshot FILE`: what the policy would decide for a snapshot file (with the
// file's own `policy` keys over the configured policy), and the deadlines that would follow, printed
// and never carried out; it talks to neither Teleport nor Temporal. Bad flags or a bad file throw
// ConfigError for main to print (exit 2); output goes through io so tests capture it.
import { ConfigError } from '../../config/errors';
import type { CommandFlagSpecs } from '../../config/load';
import { loadCommandConfig } from '../commandConfig';
import { table } from '../table';
import { type Deadline, userDeadlines } from '../../policy/deadlines';
import { applyDecisions, evaluate } from '../../policy/evaluate';
import { validatePolicy } from '../../policy/policy';
import { parseSnapshot } from '../../policy/snapshotFile';
import type { Decision, Policy, Snapshot } from '../../policy/types';

/** Enough to see what comes next; the rest is counted. */
const MAX_DEADLINES = 10;

export interface SimulateIo {
  /** Receives whole lines, each ending in a newline. */
  stdout: (s: string) => void;
  readFile: (path: string) => Promise<string>;
  env: Record<string, string | undefined>;
}

const FLAGS = {
  snapshot: {
    names: ['snapshot'],
    kind: 'string',
    example: 'FILE',
    help: 'snapshot file (JSON) to evaluate',
  },
  json: { names: ['json'], kind: 'bool', help: 'print one JSON decision per line' },
} as const satisfies CommandFlagSpecs;

const USAGE = 'jit-watcher simulate --snapshot FILE [--config FILE] [policy flags] [--json]';

export async function simulateCommand(argv: string[], io: SimulateIo): Promise<number> {
  const loaded = await loadCommandConfig(argv, io, FLAGS, USAGE);
  if (!loaded) return 0;
  const { config, rest, flags } = loaded;
  if (rest[0] !== undefined) {
    throw new ConfigError(
      `unexpected argument ${JSON.stringify(rest[0])}; simulate takes flags only ` +
        '(a boolean takes its value as -name=false, not -name false)',
    );
  }
  const file = flags.snapshot;
  if (file === undefined || file === '') {
    throw new ConfigError(
      'missing required flag --snapshot: the snapshot file to evaluate, e.g. --snapshot examples/snapshots/alice-hoarding.json',
    );
  }
  const { snapshot, policy: filePolicy } = await readSnapshot(file, io.readFile);
  const policy = withFilePolicy(config.policy, filePolicy, file);
  const decisions = evaluate(snapshot, policy);
  const deadlines = nextDeadlines(snapshot, decisions, policy);
  if (flags.json) {
    for (const d of decisions) io.stdout(`${JSON.stringify(d)}\n`);
    for (const d of deadlines) io.stdout(`${JSON.stringify({ deadline: d })}\n`);
  } else {
    io.stdout(humanReport(file, snapshot, decisions, policy.dryRun));
    io.stdout(deadlineReport(deadlines));
  }
  return 0;
}

/** The snapshot's `policy` keys over the configured policy, checked as setPolicy checks them. */
function withFilePolicy(
  configured: Policy,
  keys: Record<string, unknown> | undefined,
  file: string,
): Policy {
  if (!keys) return configured;
  const merged: unknown = { ...configured, ...keys };
  const [problem] = validatePolicy(merged, (key) => `policy.${key}`);
  if (problem !== undefined) throw new ConfigError(`--snapshot ${file}: ${problem}`);
  return merged as Policy;
}

/** Each user's deadlines once the decisions are carried out: what the watcher would do next, and when. */
function nextDeadlines(snapshot: Snapshot, decisions: Decision[], policy: Policy): Deadline[] {
  const after = applyDecisions(snapshot, decisions);
  const users = [...new Set(after.requests.map((r) => r.user))];
  return users
    .flatMap((user) => {
      const usage = after.usage?.find((u) => u.user === user) ?? {
        user,
        since: after.usageSince ?? after.now.toISOString(),
        spans: [],
      };
      return userDeadlines(user, after.requests, after.locks, policy, after.now, usage);
    })
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}

function deadlineReport(deadlines: Deadline[]): string {
  if (deadlines.length === 0) return 'No deadlines ahead.\n';
  const rows = deadlines.slice(0, MAX_DEADLINES).map((d) => [d.at, d.kind, d.user, d.what]);
  const more =
    deadlines.length > MAX_DEADLINES ? `and ${deadlines.length - MAX_DEADLINES} more\n` : '';
  return `Next deadlines:\n${table(['AT', 'KIND', 'USER', 'WHAT'], rows)}\n${more}`;
}

async function readSnapshot(
  file: string,
  readFile: SimulateIo['readFile'],
): Promise<{ snapshot: Snapshot; policy?: Record<string, unknown> }> {
  let text: string;
  try {
    text = await readFile(file);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new ConfigError(`--snapshot: cannot read ${JSON.stringify(file)}: ${why}`);
  }
  const parsed = parseSnapshot(text);
  if (!parsed.ok) throw new ConfigError(`--snapshot ${file}: ${parsed.error}`);
  return parsed.policy
    ? { snapshot: parsed.snapshot, policy: parsed.policy }
    : { snapshot: parsed.snapshot };
}

/** A header, one aligned line per decision (action, request, user, policy, reason), a summary. */
function humanReport(
  file: string,
  snapshot: Snapshot,
  decisions: Decision[],
  dryRun: boolean,
): string {
  const head =
    `Snapshot ${file} at ${snapshot.now.toISOString()}: ` +
    `${count(snapshot.requests.length, 'request')}, ${count(snapshot.locks.length, 'lock')}`;
  const later = startsLater(snapshot);
  if (decisions.length === 0) {
    return `${head}\n${later}No decisions: nothing to approve, deny, escalate or lock.\n`;
  }

  const lines = table(
    ['ACTION', 'REQUEST', 'USER', 'POLICY', 'REASON'],
    decisions.map((d) => [d.action, d.requestId, d.user, d.policy, d.reason]),
  );

  const counts = new Map<string, number>();
  for (const d of decisions) counts.set(d.action, (counts.get(d.action) ?? 0) + 1);
  const tally = [...counts].map(([action, n]) => `${n} ${action}`).join(', ');
  const mode = dryRun ? 'dry-run policy; ' : '';
  const summary = `${count(decisions.length, 'decision')} (${tally}); ${mode}simulation only, nothing was changed.`;
  return `${head}\n${later}${lines}\n${summary}\n`;
}

/** Approved requests whose access starts after `now`: not held yet, so nothing counts them. */
function startsLater(snapshot: Snapshot): string {
  const now = snapshot.now.getTime();
  const later = snapshot.requests
    .filter((r) => r.state === 'APPROVED' && (r.assumeStartTime?.getTime() ?? now) > now)
    .map((r) => `${r.id} at ${r.assumeStartTime?.toISOString() ?? ''}`);
  return later.length === 0 ? '' : `Not held yet (access starts later): ${later.join(', ')}\n`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
