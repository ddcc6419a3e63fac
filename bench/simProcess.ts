// Benchmarks run the simulated Teleport cluster in its own process (`sim start`, compiled by
// `npm run build:testkit` into dist-testkit/), so the figures for the watcher process (time,
// memory) are the watcher's alone, and the simulator, sharing the machine's cores with the
// watcher, costs no more than it must.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs/promises';
import { existsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ClusterFile } from '../testkit/sim';
import { GrpcTeleportClient } from '../src/teleport/client';
import { readIdentityFile } from '../src/teleport/identityFile';
import { WORKFLOW_BUNDLE_FILE } from '../src/temporal/worker';
import { waitFor } from '../src/util/waitFor';

const COMPILED_SIM = path.join(__dirname, '..', 'dist-testkit', 'testkit', 'sim', 'main.js');

/** The compiled simulator's path; `npm run bench:*` builds it first. */
function compiledSim(): string {
  if (!existsSync(COMPILED_SIM))
    throw new Error(`${COMPILED_SIM} is missing; run npm run build:testkit first`);
  return COMPILED_SIM;
}

export interface SimProcess {
  cluster: ClusterFile;
  admin: GrpcTeleportClient;
  stop(): Promise<void>;
}

export async function startSimProcess(): Promise<SimProcess> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'jit-bench-sim-'));
  const child = spawn(process.execPath, [compiledSim(), 'start', '--dir', dir], {
    stdio: 'ignore',
  });
  const file = path.join(dir, 'cluster.json');
  const cluster = await waitFor(
    async () => JSON.parse(await fs.readFile(file, 'utf8')) as ClusterFile,
    { timeoutMs: 30_000, what: 'the simulated cluster to start' },
  );
  const admin = await GrpcTeleportClient.connect({
    address: cluster.authAddress,
    identity: await readIdentityFile(cluster.adminIdentity),
    callTimeoutMs: 30_000,
  });
  return {
    cluster,
    admin,
    async stop() {
      admin.close();
      // Killed already (by a signal from elsewhere): its exit event has passed.
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await new Promise((resolve) => child.once('exit', resolve));
      }
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

/** Creates `count` pending requests, one resource each, spread over count/5 users. */
export async function createRequests(
  admin: GrpcTeleportClient,
  count: number,
  prefix: string,
): Promise<string[]> {
  const users = Math.max(1, Math.round(count * 0.2));
  const ids: string[] = [];
  const concurrency = 32;
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const request = await admin.createRequest({
          user: `${prefix}-user-${i % users}`,
          roles: ['node-access'],
          resources: [{ clusterName: 'bench', kind: 'node', name: `${prefix}-node-${i}` }],
        });
        ids.push(request.id);
      }
    }),
  );
  return ids;
}

/**
 * Runs in-process workers on the workflow bundle `npm run build` made, as production does, so the
 * measured process's memory is not inflated by webpack.
 */
export function usePrebuiltWorkflowBundle(): void {
  if (process.env.JIT_WATCHER_WORKFLOW_BUNDLE) return;
  if (!existsSync(WORKFLOW_BUNDLE_FILE)) {
    throw new Error(`${WORKFLOW_BUNDLE_FILE} is missing; run npm run build first`);
  }
  process.env.JIT_WATCHER_WORKFLOW_BUNDLE = WORKFLOW_BUNDLE_FILE;
}
