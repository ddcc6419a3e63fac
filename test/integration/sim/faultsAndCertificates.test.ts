// The simulated cluster's transport-level behaviour: injected faults, certificate refusals at the
// handshake, RSA identities, the pre-14.3 mode and host CA rotation.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { startSimCluster, createClusterAuthorities, issueIdentityFile } from '../../../testkit/sim';
import { messageQueue, rawClient, rejectsWith, simSuite } from './rawClient';

type Msg = Record<string, unknown>;

describe('faults and certificates', () => {
  const suite = simSuite();

  test('faults: dropped streams end UNAVAILABLE; failNext fails the next calls', async () => {
    const q = messageQueue<Msg>(suite.bot.stream('WatchEvents', { Kinds: [{ Kind: 'lock' }] }));
    await q.next();
    suite.cluster.faults.dropStreams();
    assert.equal((await q.error()).code, grpc.status.UNAVAILABLE);

    suite.cluster.faults.failNext(
      'GetLocks',
      1,
      grpc.status.FAILED_PRECONDITION,
      'too many concurrent writes, try again later',
    );
    await rejectsWith(
      suite.bot.unary('GetLocks', {}),
      grpc.status.FAILED_PRECONDITION,
      /try again later/,
    );
    await suite.bot.unary('GetLocks', {});

    suite.cluster.faults.setUnavailable(true);
    await rejectsWith(suite.bot.unary('Ping', {}), grpc.status.UNAVAILABLE);
    suite.cluster.faults.setUnavailable(false);
    await suite.bot.unary('Ping', {});
  });

  test('certificates: foreign, expired and not-yet-valid identities fail the handshake', async () => {
    const foreign = await createClusterAuthorities('other.example.com');
    const identities = [
      await issueIdentityFile(foreign, { user: 'bot', roles: ['jit-watcher'] }),
      await suite.cluster.issueIdentity({
        user: 'bot',
        roles: ['jit-watcher'],
        notBefore: new Date(Date.now() - 7_200_000),
        notAfter: new Date(Date.now() - 3_600_000),
      }),
      await suite.cluster.issueIdentity({
        user: 'bot',
        roles: ['jit-watcher'],
        notBefore: new Date(Date.now() + 3_600_000),
        notAfter: new Date(Date.now() + 7_200_000),
      }),
    ];
    for (const identity of identities) {
      const client = rawClient(suite.cluster.authAddress, identity);
      suite.own(client);
      await rejectsWith(client.unary('Ping', {}), grpc.status.UNAVAILABLE);
    }
  });

  test('an RSA-2048 identity works too', async () => {
    const text = await suite.cluster.issueIdentity({
      user: 'bot',
      roles: ['jit-watcher'],
      keyType: 'rsa-2048',
    });
    const client = rawClient(suite.cluster.authAddress, text);
    suite.own(client);
    assert.equal((await client.unary<Msg>('Ping', {})).ClusterName, 'sim.example.com');
  });

  test('without ListAccessRequests the method is UNIMPLEMENTED (Teleport before 14.3)', async () => {
    const legacy = await startSimCluster({ proxy: false, listAccessRequests: false });
    const client = rawClient(
      legacy.authAddress,
      await legacy.issueIdentity({ user: 'bot', roles: ['jit-watcher'] }),
    );
    try {
      await rejectsWith(client.unary('ListAccessRequests', {}), grpc.status.UNIMPLEMENTED);
    } finally {
      client.close();
      await legacy.stop();
    }
  });

  test('host CA rotation: new identities connect, ones trusting only the old CA do not', async () => {
    const rotating = await startSimCluster({ proxy: false });
    const oldText = await rotating.issueIdentity({ user: 'bot', roles: ['jit-watcher'] });
    await rotating.rotateHostCertificate({ newCa: true });
    const newText = await rotating.issueIdentity({ user: 'bot', roles: ['jit-watcher'] });
    const oldClient = rawClient(rotating.authAddress, oldText);
    const newClient = rawClient(rotating.authAddress, newText);
    try {
      await rejectsWith(oldClient.unary('Ping', {}), grpc.status.UNAVAILABLE);
      await newClient.unary('Ping', {});
      assert.equal(rotating.hostCaPems.length, 2);
    } finally {
      oldClient.close();
      newClient.close();
      await rotating.stop();
    }
  });
});
