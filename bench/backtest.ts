// Backtest benchmark: records a week's volume of decisions (DAYS sweeps of PER_DAY new pending
// requests each, one resource per request, spread over a fifth as many users) with a real worker
// process, then runs `jit-watcher backtest` over them in-process with the live policy as the
// candidate: reading the histories and re-running every evaluation (under its own policy and the
// candidate), each timed. Prints a Markdown row for bench/RESULTS.md.
// Usage: npm run bench:backtest [-- --days 7 --per-day 1000] (builds first: the worker runs compiled)
import { Client, Connection } from '@temporalio/client';
import { backtestCommand } from '../src/cli/commands/backtest';
import { defaultPolicy } from '../src/policy/policy';
import { CLIENT_CHANNEL_ARGS } from '../src/temporal/connection';
import { ensureWatcher } from '../src/temporal/control';
import { waitFor } from '../src/util/waitFor';
import { benchArgs } from './args';
import { historyFigures } from './historyFigures';
import { createRequests, startSimProcess } from './simProcess';
import { startTemporalTarget } from './temporalTarget';
import { startWorkerProcess } from './workerProcess';
import { sweepsDone } from './watcherSweeps';

interface Report {
  evaluations: number;
  reproduced: number;
  runs: number;
  timing: { readSeconds: number; judgeSeconds: number; perSecond: number };
}

async function main(): Promise<void> {
  const { flags } = benchArgs(
    process.argv.slice(2),
    { days: 7, 'per-day': 1000 },
    'backtest [--days 7] [--per-day 1000]',
  );
  const server = await startTemporalTarget();
  const connection = await Connection.connect({
    address: server.address,
    channelArgs: CLIENT_CHANNEL_ARGS,
  });
  const client = new Client({ connection });
  const sim = await startSimProcess();
  const taskQueue = `bench-backtest-${Date.now()}`;
  const worker = startWorkerProcess({
    teleportAddress: sim.cluster.authAddress,
    identityFile: sim.cluster.watcherIdentity,
    temporalAddress: server.address,
    taskQueue,
  });
  try {
    const control = await ensureWatcher(client, taskQueue, {
      cluster: sim.cluster.clusterName,
      policy: defaultPolicy(),
      pollIntervalMs: 3_600_000,
      fullEvaluationIntervalMs: 3_600_000,
    });
    let firstSweep: Awaited<ReturnType<typeof historyFigures>> | undefined;
    for (let day = 0; day < flags.days; day++) {
      await sweepsDone(control, worker, 1, `day ${day}: the watcher to be idle`, { idle: true });
      await createRequests(sim.admin, flags['per-day'], `d${day}`);
      const before = (await control.status()).sweeps;
      await control.sweepNow();
      await waitFor(async () => (await control.status()).sweeps > before, {
        timeoutMs: 30 * 60_000,
        intervalMs: 200,
        what: `day ${day}'s sweep`,
      });
      console.error(`recorded day ${day + 1} of ${flags.days}`);
      // The first day's sweep is bench:sweep's "first" sweep (a fresh cluster, the same requests):
      // its largest task shows what the recorded inputs add to a workflow task.
      if (day === 0) {
        await sweepsDone(control, worker, 1, "day 0's sweep to finish", { idle: true });
        const last = (await control.status()).lastSweep;
        if (last) firstSweep = await historyFigures(client, last.id);
      }
    }
    await sweepsDone(control, worker, 1, 'the last sweep', { idle: true });
    await control.handle.terminate('bench over');

    let out = '';
    const code = await backtestCommand(['--policy', 'live.yaml', '--since', '1d', '--json'], {
      stdout: (s) => (out += s),
      stderr: (s) => process.stderr.write(s),
      env: { JIT_WATCHER_TEMPORAL_ADDRESS: server.address },
      readFile: () => Promise.resolve('policy: {}\n'),
    });
    if (code !== 0) throw new Error(`backtest exited ${code}: ${out.slice(0, 500)}`);
    const r = JSON.parse(out) as Report;
    console.log(
      '| recorded | sweep runs | evaluations | reproduced | histories read | re-run (each twice) | re-runs per second | end to end |',
    );
    console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
    const total = r.timing.readSeconds + r.timing.judgeSeconds;
    console.log(
      `| ${flags.days} days × ${flags['per-day']} requests | ${r.runs} | ${r.evaluations} | ${r.reproduced} of ${r.evaluations} | ${r.timing.readSeconds.toFixed(2)} s | ${r.timing.judgeSeconds.toFixed(3)} s | ${r.timing.perSecond.toLocaleString('en')} | ${total.toFixed(2)} s (${Math.round(r.evaluations / total).toLocaleString('en')} evaluations/s) |`,
    );
    if (firstSweep)
      console.log(
        `\nfirst day's sweep (${flags['per-day']} pending, fresh cluster): ${firstSweep.runs} runs, ${firstSweep.events} events, largest payload ${(firstSweep.largest / 1024).toFixed(1)} KiB, largest task ${(firstSweep.largestTask / 1024 / 1024).toFixed(2)} MiB, worker RSS (peak) ${worker.peakRssMiB()} MiB`,
      );
  } finally {
    await worker.stop();
    await sim.stop();
    await connection.close();
    await server.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
