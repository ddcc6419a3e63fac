// What the client and the cluster refuse: an identity from another cluster's CA, a server that is
// not the cluster's Auth (wrong name), and an expired client certificate. Verification is never off.
import assert from 'node:assert/strict';
import * as tls from 'node:tls';
import { after, before, describe, test } from 'node:test';
import {
  startSimCluster,
  type SimCluster,
  createClusterAuthorities,
  issueIdentityFile,
} from '../../../testkit/sim';
import { GrpcTeleportClient } from '../../../src/teleport/client';
import { TeleportError } from '../../../src/teleport/errors';
import { parseIdentity } from '../../../src/teleport/identityFile';

const HOUR = 3_600_000;

describe('connection security', () => {
  let sim: SimCluster;
  before(async () => {
    sim = await startSimCluster();
  });
  after(async () => {
    await sim.stop();
  });

  const connectionFails = async (identityText: string, now: Date, message: RegExp) => {
    const client = await GrpcTeleportClient.connect({
      address: sim.authAddress,
      identity: parseIdentity(identityText, 'test.identity', now),
      callTimeoutMs: 3_000,
    });
    try {
      await assert.rejects(client.ping(), (err: unknown) => {
        assert.ok(err instanceof TeleportError);
        assert.equal(err.kind, 'ConnectionProblem');
        assert.match(err.message, message);
        return true;
      });
    } finally {
      client.close();
    }
  };

  test('an identity from another cluster is refused, and says why', async () => {
    const other = await createClusterAuthorities('sim.example.com');
    // Same cluster name, different CAs: the server's certificate does not chain to our trust root.
    await connectionFails(
      await issueIdentityFile(other, { user: 'bot', roles: ['jit-watcher'] }),
      new Date(),
      /not signed by the identity's cluster CA/,
    );
  });

  test('an expired client certificate is refused by the cluster', async () => {
    const expired = await sim.issueIdentity({
      user: 'bot',
      roles: ['jit-watcher'],
      notBefore: new Date(Date.now() - 2 * HOUR),
      notAfter: new Date(Date.now() - HOUR),
    });
    // Parse it as if it were still valid, so only the server's check can stop it.
    await connectionFails(
      expired,
      new Date(Date.now() - 1.5 * HOUR),
      /refused our client certificate/,
    );
  });

  test('a server presenting another name than teleport.cluster.local is not trusted', async () => {
    const identity = parseIdentity(
      await sim.issueIdentity({ user: 'bot', roles: ['jit-watcher'] }),
      'id',
      new Date(),
    );
    const [host, port] = sim.authAddress.split(':');
    const error = await new Promise<Error>((resolve) => {
      const socket = tls.connect({
        host,
        port: Number(port),
        servername: 'auth.sim.example.com',
        ca: [...identity.tls.caPems],
        key: identity.tls.privateKeyPem,
        cert: identity.tls.certificatePem,
        ALPNProtocols: ['h2'],
      });
      socket.on('secureConnect', () => {
        socket.destroy();
        resolve(new Error('connected'));
      });
      socket.on('error', resolve);
    });
    assert.equal((error as NodeJS.ErrnoException).code, 'ERR_TLS_CERT_ALTNAME_INVALID');
  });
});
