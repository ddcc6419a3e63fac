// The simulated cluster's transport-level behaviour: injected faults, certificate refusals at the
// handshake, RSA identities, the pre-14.3 mode and host CA rotation.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { startSimCluster, type SimCluster } from '../../../src/sim/cluster';
import { createClusterAuthorities, issueIdentityFile } from '../../../src/sim/identityFile';
import { messageQueue, rawClient, rejectsWith, type RawClient } from './rawClient';

type Msg = Record<string, unknown>;

describe('faults and certificates', () => {
  let cluster: SimCluster;
  const clients: RawClient[] = [];
  const connect = async (user: string, roles: string[], activeRequests?: string[]) => {
    const client = rawClient(
      cluster.authAddress,
      await cluster.issueIdentity({ user, roles, activeRequests }),
    );
    clients.push(client);
    return client;
  };
  let bot: RawClient;

  before(async () => {
    cluster = await startSimCluster({ proxy: false });
    bot = await connect('bot', ['jit-watcher']);
  });
  after(async () => {
    for (const c of clients) c.close();
    await cluster.stop();
  });

  test('faults: dropped streams end UNAVAILABLE; failNext fails the next calls', async () => {
    const q = messageQueue<Msg>(bot.stream('WatchEvents', { Kinds: [{ Kind: 'lock' }] }));
    await q.next();
    cluster.faults.dropStreams();
    assert.equal((await q.error()).code, grpc.status.UNAVAILABLE);

    cluster.faults.failNext(
      'GetLocks',
      1,
      grpc.status.FAILED_PRECONDITION,
      'too many concurrent writes, try again later',
    );
    await rejectsWith(
      bot.unary('GetLocks', {}),
      grpc.status.FAILED_PRECONDITION,
      /try again later/,
    );
    await bot.unary('GetLocks', {});

    cluster.faults.setUnavailable(true);
    await rejectsWith(bot.unary('Ping', {}), grpc.status.UNAVAILABLE);
    cluster.faults.setUnavailable(false);
    await bot.unary('Ping', {});
  });

  test('certificates: foreign, expired and not-yet-valid identities fail the handshake', async () => {
    const foreign = await createClusterAuthorities('other.example.com');
    const identities = [
      await issueIdentityFile(foreign, { user: 'bot', roles: ['jit-watcher'] }),
      await cluster.issueIdentity({
        user: 'bot',
        roles: ['jit-watcher'],
        notBefore: new Date(Date.now() - 7_200_000),
        notAfter: new Date(Date.now() - 3_600_000),
      }),
      await cluster.issueIdentity({
        user: 'bot',
        roles: ['jit-watcher'],
        notBefore: new Date(Date.now() + 3_600_000),
        notAfter: new Date(Date.now() + 7_200_000),
      }),
    ];
    for (const identity of identities) {
      const client = rawClient(cluster.authAddress, identity);
      clients.push(client);
      await rejectsWith(client.unary('Ping', {}), grpc.status.UNAVAILABLE);
    }
  });

  test('an RSA-2048 identity works too', async () => {
    const text = await cluster.issueIdentity({
      user: 'bot',
      roles: ['jit-watcher'],
      keyType: 'rsa-2048',
    });
    const client = rawClient(cluster.authAddress, text);
    clients.push(client);
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
