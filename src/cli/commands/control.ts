// `jit-watcher start | pause | resume | sweep | status | policy`: talk to the cluster's watcher
// workflow through Temporal. Commands are updates, so a refusal comes back here; the same names
// work as updates or signals from `temporal workflow update/signal` and as signals from `tctl`.
import { ConfigError } from '../../config/errors';
import type { CommandFlagSpecs } from '../../config/load';
import { loadCommandConfig } from '../commandConfig';
import { ensureWatcher, watcherControl } from '../../temporal/control';
import { watcherWorkflowId } from '../../temporal/names';
import { policyHistory, type PolicyHistory } from '../../temporal/policyHistory';
import { table } from '../table';
import type { Policy } from '../../policy/types';
import type { WatcherStatus } from '../../temporal/workflows/messages';
import { deadlineLine } from '../../temporal/workflows/watcherDetails';
import { formatWorker } from './workerAge';
import type { CliIo } from '../io';
import { resolveCluster, withTemporalClient } from '../temporalClient';

/** Which cluster's watcher a command talks to; `shadow` takes it too. */
export const CLUSTER_FLAG = {
  names: ['cluster'],
  kind: 'string',
  example: 'NAME',
  help: 'Teleport cluster name (default: from -i)',
} as const;

/** --cluster of the commands that read sweeps' histories: they may also read every cluster's. */
export const SWEEPS_CLUSTER_FLAG = {
  ...CLUSTER_FLAG,
  help: "only this cluster's sweeps (default: -i's cluster, else every cluster's)",
} as const;

const FLAGS = {
  cluster: CLUSTER_FLAG,
  json: { names: ['json'], kind: 'bool', help: 'print JSON' },
  set: {
    names: ['set'],
    kind: 'string',
    example: 'JSON',
    help: 'policy: replace the policy with this JSON (as `policy` prints it)',
  },
  history: {
    names: ['history'],
    kind: 'bool',
    help: 'policy: every setPolicy, pause and resume with its time, caller and policy version',
  },
} as const satisfies CommandFlagSpecs;

export type ControlVerb = 'start' | 'pause' | 'resume' | 'sweep' | 'status' | 'policy';

export async function controlCommand(
  verb: ControlVerb,
  argv: string[],
  io: CliIo,
): Promise<number> {
  const loaded = await loadCommandConfig(
    argv,
    io,
    FLAGS,
    `jit-watcher ${verb} [--cluster NAME | -i IDENTITY_FILE] [--temporal-address HOST:PORT]`,
  );
  if (!loaded) return 0;
  const { config, flags, rest } = loaded;
  if (rest.length > 0)
    throw new ConfigError(
      `unexpected argument ${JSON.stringify(rest[0])}; ${verb} takes flags only`,
    );
  if (flags.set !== undefined && verb !== 'policy')
    throw new ConfigError(`--set: only \`jit-watcher policy\` takes it, not ${verb}`);
  if (flags.history && verb !== 'policy')
    throw new ConfigError(`--history: only \`jit-watcher policy\` takes it, not ${verb}`);
  const cluster = await resolveCluster(config, flags.cluster);
  const id = watcherWorkflowId(cluster);
  return withTemporalClient(config, async (client) => {
    const control = watcherControl(client, cluster);
    switch (verb) {
      case 'start':
        await ensureWatcher(client, config.temporal.taskQueue, {
          cluster,
          policy: config.policy,
          pollIntervalMs: config.pollIntervalMs,
          fullEvaluationIntervalMs: config.fullEvaluationIntervalMs,
        });
        io.stdout(`watcher ${id} is running on task queue ${config.temporal.taskQueue}\n`);
        return 0;
      case 'pause':
        await control.commands.pause();
        io.stdout(`paused ${id}: no approvals, denials or locks until resume\n`);
        return 0;
      case 'resume':
        await control.commands.resume();
        io.stdout(`resumed ${id}\n`);
        return 0;
      case 'sweep': {
        const status = await control.commands.sweepNow();
        const running = status.currentSweep ? ` (after ${status.currentSweep.id})` : '';
        io.stdout(`sweep requested on ${id}${running}\n`);
        return 0;
      }
      case 'policy': {
        if (flags.set !== undefined) {
          await control.commands.setPolicy(parsePolicyJson(flags.set));
          io.stdout(`policy of ${id} replaced; it takes effect at the next sweep\n`);
          return 0;
        }
        if (flags.history) {
          const history = await policyHistory(client, id);
          io.stdout(
            flags.json ? JSON.stringify(history, null, 2) + '\n' : formatPolicyHistory(history),
          );
          return 0;
        }
        io.stdout(JSON.stringify(await control.policy(), null, 2) + '\n');
        return 0;
      }
      case 'status': {
        const status = await control.status();
        io.stdout(
          flags.json
            ? JSON.stringify(status, null, 2) + '\n'
            : formatStatus(id, status, new Date()),
        );
        return 0;
      }
    }
  });
}

/** The watcher checks the policy itself; here only that it is JSON. */
function parsePolicyJson(text: string): Policy {
  try {
    return JSON.parse(text) as Policy;
  } catch {
    throw new ConfigError(
      `--set: not JSON: ${JSON.stringify(text.slice(0, 40))}; pass the policy as \`policy\` prints it`,
    );
  }
}

/** "3 decided by humans, 2 as the watcher would have (67%), 1 awaited" */
function humansLine(h: NonNullable<WatcherStatus['humans']>): string {
  const rate = h.decided > 0 ? ` (${Math.round((100 * h.agreed) / h.decided)}%)` : '';
  return `${h.decided} decided by humans, ${h.agreed} as the watcher would have${rate}, ${h.awaiting} awaited (agreement)`;
}

function formatPolicyHistory(h: PolicyHistory): string {
  const rows = h.events.map((e) => [
    e.at,
    e.what,
    e.via,
    e.identity || '-',
    e.refused ? `refused: ${e.refused}` : (e.version ?? ''),
  ]);
  const runs = `${h.runs} ${h.runs === 1 ? 'run' : 'runs'} read`;
  const note = h.truncated
    ? `\n(${runs}; earlier runs are past the namespace's retention)`
    : `\n(${runs}, back to the watcher's start)`;
  return table(['TIME', 'COMMAND', 'VIA', 'IDENTITY', 'POLICY VERSION'], rows) + note + '\n';
}

export function formatStatus(id: string, s: WatcherStatus, now: Date): string {
  const lines = [
    `watcher     ${id}`,
    `state       ${s.paused ? 'PAUSED' : 'running'}, sweep every ${s.pollIntervalMs / 1000}s`,
    `sweeps      ${s.sweeps}${s.lastSweep ? `, last ${s.lastSweep.finishedAt} (${s.lastSweep.ok ? 'ok' : 'with errors'})` : ''}`,
  ];
  if (s.currentSweep)
    lines.push(`sweeping    ${s.currentSweep.id} since ${s.currentSweep.startedAt}`);
  if (s.sweepQueued) lines.push('queued      another sweep starts when this one ends');
  else if (s.nextSweepAt) lines.push(`next sweep  ${s.nextSweepAt}`);
  if (s.nextDeadline) lines.push(`deadline    ${deadlineLine(s.nextDeadline)}`);
  const escalated = s.totals.escalated ? `, ${s.totals.escalated} left to humans` : '';
  lines.push(
    `totals      ${s.totals.approved} approved, ${s.totals.denied} denied, ${s.totals.locked} locked, ${s.totals.failed} failed${escalated}`,
  );
  lines.push(`holders     ${s.holders} users hold approved access`);
  const changed = s.policyChangedAt ? `changed ${s.policyChangedAt}` : '';
  if (s.policyVersion || changed)
    lines.push(`policy      ${[s.policyVersion, changed].filter(Boolean).join(', ')}`);
  if (s.shadow)
    lines.push(
      `shadow      ${s.shadow.version} since ${s.shadow.setAt}, ${s.shadow.disagreements} disagreements (decisions --shadow)`,
    );
  if (s.humans) lines.push(`humans      ${humansLine(s.humans)}`);
  if (s.ledgerSince) lines.push(`ledger      since ${s.ledgerSince} (jit-watcher usage)`);
  if (s.lastError) lines.push(`last error  ${s.lastError}`);
  if (s.refused) lines.push(`refused     ${s.refused} signals with bad input`);
  for (const w of Object.values(s.workers)) lines.push(`worker      ${formatWorker(w, now)}`);
  return lines.join('\n') + '\n';
}
