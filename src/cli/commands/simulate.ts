// `jit-watcher simulate --snapshot FILE`: what the policy would decide for a snapshot file, printed
// and never carried out; it talks to neither Teleport nor Temporal. Bad flags or a bad file throw
// ConfigError for main to print (exit 2); output goes through io so tests capture it.
import { ConfigError } from '../../config/errors';
import type { CommandFlagSpecs } from '../../config/load';
import { loadCommandConfig } from '../commandConfig';
import { table } from '../table';
import { evaluate } from '../../policy/evaluate';
import { parseSnapshot } from '../../policy/snapshotFile';
import type { Decision, Snapshot } from '../../policy/types';

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
  const snapshot = await readSnapshot(file, io.readFile);
  const decisions = evaluate(snapshot, config.policy);
  if (flags.json) {
    for (const d of decisions) io.stdout(`${JSON.stringify(d)}\n`);
  } else {
    io.stdout(humanReport(file, snapshot, decisions, config.policy.dryRun));
  }
  return 0;
}

async function readSnapshot(file: string, readFile: SimulateIo['readFile']): Promise<Snapshot> {
  let text: string;
  try {
    text = await readFile(file);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new ConfigError(`--snapshot: cannot read ${JSON.stringify(file)}: ${why}`);
  }
  const parsed = parseSnapshot(text);
  if (!parsed.ok) throw new ConfigError(`--snapshot ${file}: ${parsed.error}`);
  return parsed.snapshot;
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
    return `${head}\n${later}No decisions: nothing to approve, deny or lock.\n`;
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
