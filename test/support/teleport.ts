// Connects the real Teleport client to a simulated cluster over real mTLS sockets.
import { GrpcTeleportClient } from '../../src/teleport/client';
import { parseIdentity } from '../../src/teleport/identityFile';
import type { SimCluster } from '../../testkit/sim';

export interface ClientFor {
  user?: string;
  roles?: string[];
  via?: 'auth' | 'proxy';
  callTimeoutMs?: number;
}

export async function clientFor(
  sim: SimCluster,
  options: ClientFor = {},
): Promise<GrpcTeleportClient> {
  const text = await sim.issueIdentity({
    user: options.user ?? 'bot-jit-watcher',
    roles: options.roles ?? ['jit-watcher'],
  });
  const identity = parseIdentity(text, 'test.identity', new Date());
  const address = options.via === 'proxy' ? sim.proxyAddress : sim.authAddress;
  return GrpcTeleportClient.connect({
    address,
    identity,
    callTimeoutMs: options.callTimeoutMs ?? 5_000,
  });
}
