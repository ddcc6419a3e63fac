// Which Temporal server a benchmark runs against: the CLI's dev server (SQLite, in memory; the
// default) or, with JIT_BENCH_TEMPORAL=production, the server production runs (go.temporal.io/server
// on a private PostgreSQL, the topology `npm run test:production` uses). bench/compare.ts runs
// both side by side. Either way the server is stopped by `stop`.
import { startDevServer } from '../src/temporal/devServer';
import { startProductionTemporal } from '../test/production/support/topology';

export interface TemporalTarget {
  kind: 'dev' | 'production';
  address: string;
  stop(): Promise<void>;
}

export async function startTemporalTarget(
  env: NodeJS.ProcessEnv = process.env,
): Promise<TemporalTarget> {
  const kind = env.JIT_BENCH_TEMPORAL ?? 'dev';
  if (kind === 'production') {
    const topology = await startProductionTemporal({
      log: (line) => console.error(`[temporal] ${line}`),
    });
    return { kind, address: topology.address, stop: () => topology.stop() };
  }
  if (kind !== 'dev') {
    throw new Error(`JIT_BENCH_TEMPORAL=${kind}: use dev (the default) or production`);
  }
  const server = await startDevServer({ dynamicConfig: {} });
  return { kind, address: server.address, stop: () => server.stop() };
}
