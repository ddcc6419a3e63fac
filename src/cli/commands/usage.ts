// `jit-watcher usage [--user U] [--environment E] [--json]`: each user's use of each environment
// with a budget, from the usage ledger's workflows (a query on each shard), judged with the policy
// the watcher enforces now: used, remaining, and when something frees up.
import { ConfigError } from '../../config/errors';
import type { CommandFlagSpecs } from '../../config/load';
import { hasBudgets, usageReport, type EnvironmentUsage } from '../../policy/ledger';
import type { UserUsage } from '../../policy/usage';
import { UPDATE_TIMEOUT_MS, watcherControl } from '../../temporal/control';
import { temporalUsageLedger } from '../../temporal/usageLedger';
import { loadCommandConfig } from '../commandConfig';
import { CLUSTER_FLAG } from './control';
import type { CliIo } from '../io';
import { table } from '../table';
import { resolveCluster, withTemporalClient } from '../temporalClient';

const FLAGS = {
  cluster: CLUSTER_FLAG,
  user: { names: ['user'], kind: 'string', example: 'USER', help: 'only this user' },
  environment: {
    names: ['environment'],
    kind: 'string',
    example: 'PATTERN',
    help: "only this environment entry (its pattern, as the policy's environments give it)",
  },
  json: { names: ['json'], kind: 'bool', help: 'one JSON object per user and environment' },
} as const satisfies CommandFlagSpecs;

export async function usageCommand(
  argv: string[],
  io: CliIo,
  localNow = new Date(),
): Promise<number> {
  const loaded = await loadCommandConfig(
    argv,
    io,
    FLAGS,
    'jit-watcher usage [--user USER] [--environment PATTERN] [--json] [--cluster NAME | -i IDENTITY_FILE]',
  );
  if (!loaded) return 0;
  const { config, flags, rest } = loaded;
  if (rest.length > 0)
    throw new ConfigError(`unexpected argument ${JSON.stringify(rest[0])}; usage takes flags only`);
  const cluster = await resolveCluster(config, flags.cluster);
  return withTemporalClient(config, async (client) => {
    const control = watcherControl(client, cluster);
    const [policy, status] = await Promise.all([control.policy(), control.status()]);
    // Budgets are judged in Teleport's time, as the watcher measured it against its own.
    const now = new Date(localNow.getTime() + (status.teleportOffsetMs ?? 0));
    if (!hasBudgets(policy)) {
      io.stdout('the policy sets no budgets or cooldowns: no use is counted\n');
      return 0;
    }
    if (
      flags.environment !== undefined &&
      !(policy.environments ?? []).some((e) => e.pattern === flags.environment)
    )
      throw new ConfigError(
        `--environment: no environment entry has pattern ${JSON.stringify(flags.environment)}; use one of ${(policy.environments ?? []).map((e) => JSON.stringify(e.pattern)).join(', ')}`,
      );
    const ledger = temporalUsageLedger(client, config.temporal.taskQueue);
    const since = status.ledgerSince ?? now.toISOString();
    // Reads are updates: a shard no worker serves fails in one line, as a command would.
    const bound = { deadline: new Date(Date.now() + UPDATE_TIMEOUT_MS) };
    const found = flags.user
      ? await ledger.read(cluster, [flags.user], bound)
      : await ledger.readAll(cluster, bound);
    const recorded: UserUsage[] =
      flags.user && found.length === 0 ? [{ user: flags.user, since, spans: [] }] : found;
    const reports = recorded
      .flatMap((u) => usageReport(u, policy, now))
      .filter((r) => flags.environment === undefined || r.environment === flags.environment);
    if (flags.json) {
      for (const r of reports) io.stdout(JSON.stringify(r) + '\n');
      return 0;
    }
    io.stdout(formatUsage(reports, since));
    return 0;
  });
}

export function formatUsage(reports: EnvironmentUsage[], since: string): string {
  const head = `ledger starts ${since}; earlier use is unknown (marked *)\n`;
  if (reports.length === 0) return `${head}no recorded use\n`;
  const rows = reports.flatMap((r) => {
    const cooldown = r.cooldownUntil ? `cooldown until ${r.cooldownUntil}` : '';
    const lines = r.budgets.map((b) => [
      r.user,
      r.environment,
      `${b.text}${b.partial ? '*' : ''}${b.overridden ? ' (override)' : ''}`,
      b.kind === 'hours' ? `${Math.round(b.remaining * 60)}m` : String(b.remaining),
      b.exhaustedAt ? `used up ${b.exhaustedAt}` : (b.nextFree ?? '-'),
      cooldown,
    ]);
    return lines.length > 0 ? lines : [[r.user, r.environment, '-', '-', '-', cooldown]];
  });
  return (
    head + table(['USER', 'ENVIRONMENT', 'USED', 'LEFT', 'NEXT FREES', 'COOLDOWN'], rows) + '\n'
  );
}
