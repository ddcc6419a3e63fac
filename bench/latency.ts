// Decision latency benchmark: time from a request's creation in the (simulated) cluster to its
// state change being visible there, measured through Teleport's own API (create, then watch).
// Scenarios: idle cluster; 10,000 open (approved) requests; a burst of 1,000 new requests at once;
// and the idle case again with the event stream off (polling only, every 5 s) for comparison.
// Usage: npm run bench:latency [-- --samples 30 --open 10000 --burst 1000]; JIT_BENCH_TEMPORAL=
// production runs it against the production server (bench/temporalTarget.ts).
import { Client, Connection } from '@temporalio/client';
import { runService } from '../src/app/service';
import { watcherControl } from '../src/temporal/control';
import { watcherWorkflowId } from '../src/temporal/names';
import { defaultConfig, type Config } from '../src/config/types';
import type { GrpcTeleportClient } from '../src/teleport/client';
import { createLogger } from '../src/util/logger';
import { waitFor } from '../src/util/waitFor';
import { benchArgs } from './args';
import { startSimProcess, usePrebuiltWorkflowBundle, type SimProcess } from './simProcess';
import { startTemporalTarget, type TemporalTarget } from './temporalTarget';

interface Options {
  samples: number;
  open: number;
  burst: number;
}

/** Watches the cluster and resolves, per request id, when it leaves PENDING. */
class DecisionClock {
  private readonly waiting = new Map<string, (t: number) => void>();
  private readonly early = new Map<string, number>();
  private readonly controller = new AbortController();
  ready: Promise<void>;

  constructor(admin: GrpcTeleportClient) {
    let markReady!: () => void;
    this.ready = new Promise((r) => (markReady = r));
    void (async () => {
      for await (const e of admin.watch({
        kinds: ['access_request'],
        signal: this.controller.signal,
      })) {
        if (e.type === 'init') markReady();
        if (e.type !== 'put' || e.kind !== 'access_request' || e.request.state === 'PENDING')
          continue;
        const now = performance.now();
        const resolve = this.waiting.get(e.request.id);
        if (resolve) resolve(now);
        else this.early.set(e.request.id, now);
      }
    })().catch(() => undefined);
  }

  decided(id: string, timeoutMs = 120_000): Promise<number> {
    const seen = this.early.get(id);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`request ${id} not decided within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.waiting.set(id, (t) => {
        clearTimeout(timer);
        resolve(t);
      });
    });
  }

  stop(): void {
    this.controller.abort();
  }
}

async function oneRequest(
  sim: SimProcess,
  clock: DecisionClock,
  user: string,
  i: number,
): Promise<number> {
  const t0 = performance.now();
  const request = await sim.admin.createRequest({
    user,
    roles: ['node-access'],
    resources: [{ clusterName: 'bench', kind: 'node', name: `${user}-${i}` }],
  });
  return (await clock.decided(request.id)) - t0;
}

async function sequential(
  sim: SimProcess,
  clock: DecisionClock,
  n: number,
  prefix: string,
): Promise<number[]> {
  const out: number[] = [];
  // A user per request, so the resource limit never locks and each request is a plain approval.
  for (let i = 0; i < n; i++) out.push(await oneRequest(sim, clock, `${prefix}-${i}`, i));
  return out;
}

async function burst(
  sim: SimProcess,
  clock: DecisionClock,
  n: number,
): Promise<{ latencies: number[]; wholeMs: number }> {
  const t0 = performance.now();
  const latencies = await Promise.all(
    Array.from({ length: n }, (_, i) => oneRequest(sim, clock, `burst-${i}`, i)),
  );
  return { latencies, wholeMs: performance.now() - t0 };
}

/** Open requests the watcher must keep in view: approved, role-only (no resource counts). */
async function openRequests(sim: SimProcess, n: number): Promise<void> {
  const users = Math.max(1, Math.round(n * 0.2));
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < n) {
        const i = next++;
        const r = await sim.admin.createRequest({ user: `open-${i % users}`, roles: ['viewer'] });
        await sim.admin.setRequestState({ id: r.id, state: 'APPROVED', reason: 'bench setup' });
      }
    }),
  );
}

function stats(label: string, ms: number[], extra = ''): string {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
  const f = (v: number) => `${Math.round(v)} ms`;
  return `| ${label} | ${s.length} | ${f(at(0.5))} | ${f(at(0.95))} | ${f(at(0.99))} | ${f(s[s.length - 1] ?? NaN)} | ${extra} |`;
}

async function withService<T>(
  sim: SimProcess,
  temporal: TemporalTarget,
  configure: (c: Config) => void,
  use: () => Promise<T>,
): Promise<T> {
  const config = defaultConfig();
  config.teleport.address = sim.cluster.proxyAddress;
  config.teleport.identityFile = sim.cluster.watcherIdentity;
  config.temporal.address = temporal.address;
  config.temporal.taskQueue = `latency-${Date.now()}`;
  config.metrics.listen = '';
  configure(config);
  let stop!: () => void;
  const stopSignal = new Promise<void>((r) => (stop = r));
  const lines: string[] = [];
  const service = runService({
    config,
    log: createLogger({ sink: (l) => lines.push(l) }),
    ensureWatcher: true,
    stopSignal,
  });
  await waitFor(() => lines.some((l) => l.includes('"watcher running"')), {
    timeoutMs: 60_000,
    what: 'the service',
  });
  try {
    return await use();
  } finally {
    stop();
    await service;
    // The next scenario's cluster has the same name: its watcher must start afresh.
    const connection = await Connection.connect({ address: temporal.address });
    await new Client({ connection }).workflow
      .getHandle(watcherWorkflowId(sim.cluster.clusterName))
      .terminate('scenario over')
      .catch(() => undefined);
    await connection.close();
  }
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  usePrebuiltWorkflowBundle();
  const temporal = await startTemporalTarget();
  const rows: string[] = [];
  try {
    // Each scenario gets a fresh cluster so earlier requests do not weigh on it.
    rows.push(
      ...(await scenario(
        temporal,
        async (sim, clock) => [
          stats('idle, event stream', await sequential(sim, clock, options.samples, 'idle')),
        ],
        (c) => (c.pollIntervalMs = 600_000),
      )),
    );
    rows.push(
      ...(await scenario(
        temporal,
        async (sim, clock) => {
          const samples = await sequential(sim, clock, options.samples, 'busy');
          return [stats(`${options.open} open requests, event stream`, samples)];
        },
        (c) => (c.pollIntervalMs = 600_000),
        async (sim) => openRequests(sim, options.open),
      )),
    );
    rows.push(
      ...(await scenario(
        temporal,
        async (sim, clock) => {
          const { latencies, wholeMs } = await burst(sim, clock, options.burst);
          return [
            stats(
              `burst of ${options.burst}, event stream`,
              latencies,
              `all decided in ${(wholeMs / 1000).toFixed(1)} s`,
            ),
          ];
        },
        (c) => (c.pollIntervalMs = 600_000),
      )),
    );
    rows.push(
      ...(await scenario(
        temporal,
        async (sim, clock) => [
          stats(
            'idle, polling every 5 s (stream off)',
            await sequential(sim, clock, Math.min(options.samples, 10), 'poll'),
          ),
        ],
        (c) => {
          c.watchEvents = false;
          c.pollIntervalMs = 5_000;
        },
      )),
    );
  } finally {
    await temporal.stop();
  }
  console.log('| scenario | samples | p50 | p95 | p99 | max | note |');
  console.log('|---|---:|---:|---:|---:|---:|---|');
  for (const r of rows) console.log(r);
}

async function scenario(
  temporal: TemporalTarget,
  measure: (sim: SimProcess, clock: DecisionClock) => Promise<string[]>,
  configure: (c: Config) => void,
  prepare?: (sim: SimProcess) => Promise<void>,
): Promise<string[]> {
  const sim = await startSimProcess();
  const clock = new DecisionClock(sim.admin);
  try {
    await clock.ready;
    await prepare?.(sim);
    progress('cluster ready; starting the watcher');
    return await withService(sim, temporal, configure, async () => {
      // Let the start-up sweep settle, so it does not stand in front of the first sample: the
      // watcher shows a next sweep time only while it is idle, waiting.
      await oneRequest(sim, clock, 'warm-up', 0);
      await waitFor(async () => (await watcherStatus(temporal, sim)).nextSweepAt !== undefined, {
        timeoutMs: 10 * 60_000,
        intervalMs: 250,
        what: 'the start-up sweep to finish',
      });
      progress('warmed up; measuring');
      return measure(sim, clock);
    });
  } finally {
    clock.stop();
    await sim.stop();
  }
}

async function watcherStatus(temporal: TemporalTarget, sim: SimProcess) {
  const connection = await Connection.connect({ address: temporal.address });
  try {
    return await watcherControl(new Client({ connection }), sim.cluster.clusterName).status();
  } finally {
    await connection.close();
  }
}

function progress(line: string): void {
  console.error(`[${new Date().toISOString()}] ${line}`);
}

function parseOptions(argv: string[]): Options {
  const defaults: Options = { samples: 30, open: 10_000, burst: 1_000 };
  return benchArgs(argv, defaults, 'latency [--samples N] [--open N] [--burst N]').flags;
}

main().catch((err: unknown) => {
  console.error(`bench: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
