// What every fault test starts from: a simulated cluster in this process, the watcher's identity
// written as tbot would write it, a tally of every state change Teleport applied (so "0 doubled"
// is a count, not a guess), and cleanup that never leaves a process or a folder behind.
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { startSimCluster, type SimCluster } from '../../testkit/sim';
import { writeBotIdentity } from '../support/identityFile';
import { uniqueName } from '../support/temporal';

export interface FaultFixture {
  sim: SimCluster;
  dir: string;
  identityPath: string;
  /** Times each request was put in APPROVED / DENIED by anyone. */
  approvals: Map<string, number>;
  denials: Map<string, number>;
  /** Writes identity text the way tbot does: a new file renamed over the old one. */
  writeIdentity(text: string): Promise<void>;
  /** One single-node request per user; returns the ids. */
  createRequests(n: number, userPrefix: string): string[];
  close(): Promise<void>;
}

export async function faultFixture(
  options: { identityTtlMs?: number } = {},
): Promise<FaultFixture> {
  const sim = await startSimCluster({ clusterName: `${uniqueName('faults')}.example.com` });
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'jit-faults-'));
  const { identityPath, writeIdentity } = await writeBotIdentity(sim, dir, options.identityTtlMs);
  const approvals = new Map<string, number>();
  const denials = new Map<string, number>();
  const unsubscribe = sim.store.subscribe((event) => {
    if (event.type !== 'put' || event.kind !== 'access_request') return;
    const tally = { APPROVED: approvals, DENIED: denials }[event.request.state as string];
    tally?.set(event.request.id, (tally.get(event.request.id) ?? 0) + 1);
  });
  return {
    sim,
    dir,
    identityPath,
    approvals,
    denials,
    writeIdentity,
    createRequests: (n, userPrefix) =>
      Array.from(
        { length: n },
        (_, i) =>
          sim.store.createRequest({
            user: `${userPrefix}-${i}`,
            roles: ['node-access'],
            resources: [{ clusterName: sim.clusterName, kind: 'node', name: `${userPrefix}-${i}` }],
          }).id,
      ),
    async close() {
      unsubscribe();
      await sim.stop();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

/** Ids applied more than once, with their counts: empty when nothing was doubled. */
export function doubled(tally: Map<string, number>): Array<[string, number]> {
  return [...tally].filter(([, n]) => n > 1);
}
