// The TLS-routing proxy listener: a client offering ALPN teleport-auth@<hex(cluster)> first gets
// its mTLS handshake forwarded, unterminated, to Auth; anything else is closed.
import assert from 'node:assert/strict';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { after, before, describe, test } from 'node:test';
import { startSimCluster, type SimCluster, authAlpnProtocol } from '../../../testkit/sim';
import { AUTH_SERVER_NAME } from '../../../src/teleport/certificateFields';
import { rawClient, splitIdentity, type PemParts } from './rawClient';

function hostPort(address: string): { host: string; port: number } {
  const [host = '', port = ''] = address.split(':');
  return { host, port: Number(port) };
}

/** Resolves with the TLS socket once the handshake completes, or rejects when it fails. */
function connectTls(address: string, id: PemParts, alpn: string[]): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      ...hostPort(address),
      key: id.key,
      cert: id.cert,
      ca: id.cas,
      servername: AUTH_SERVER_NAME,
      ALPNProtocols: alpn,
    });
    socket.once('secureConnect', () => resolve(socket));
    socket.once('error', reject);
    socket.once('close', () => reject(new Error('closed before the handshake completed')));
  });
}

describe('TLS-routing proxy', () => {
  let cluster: SimCluster;
  let id: PemParts;
  let identityText: string;
  before(async () => {
    cluster = await startSimCluster();
    identityText = await cluster.issueIdentity({ user: 'bot', roles: ['jit-watcher'] });
    id = splitIdentity(identityText);
  });
  after(() => cluster.stop());

  test('teleport-auth@ first: the handshake completes end to end with Auth', async () => {
    const alpn = [
      `teleport-auth@${Buffer.from(cluster.clusterName).toString('hex')}.teleport.cluster.local`,
      'h2',
    ];
    assert.equal(alpn[0], authAlpnProtocol(cluster.clusterName));

    const socket = await connectTls(cluster.proxyAddress, id, alpn);
    const peer = socket.getPeerCertificate();
    socket.destroy();

    assert.equal(socket.authorized, true);
    assert.equal(socket.alpnProtocol, 'h2');
    assert.match(peer.subjectaltname ?? '', /DNS:teleport\.cluster\.local/);
    assert.equal(cluster.proxyStats?.forwarded, 1);
  });

  test('gRPC through the proxy (plaintext h2 to a local TLS bridge) reaches Auth as the caller', async () => {
    const bridge = net.createServer((inbound) => {
      const outbound = tls.connect({
        ...hostPort(cluster.proxyAddress),
        key: id.key,
        cert: id.cert,
        ca: id.cas,
        servername: AUTH_SERVER_NAME,
        ALPNProtocols: [authAlpnProtocol(cluster.clusterName), 'h2'],
      });
      inbound.pipe(outbound).pipe(inbound);
      inbound.on('error', () => outbound.destroy());
      outbound.on('error', () => inbound.destroy());
    });
    await new Promise<void>((resolve) => bridge.listen(0, '127.0.0.1', resolve));
    const address = bridge.address() as net.AddressInfo;
    const client = rawClient(`127.0.0.1:${address.port}`, identityText, true);
    try {
      const pong = await client.unary<{ ClusterName: string }>('Ping', {});
      assert.equal(pong.ClusterName, cluster.clusterName);
    } finally {
      client.close();
      await new Promise((resolve) => bridge.close(resolve));
    }
  });

  const refused: Array<[string, string[]]> = [
    ['h2 only', ['h2']],
    [
      'h2 before teleport-auth',
      ['h2', 'teleport-auth@73696d2e6578616d706c652e636f6d.teleport.cluster.local'],
    ],
    ['another cluster', [authAlpnProtocol('other.example.com'), 'h2']],
  ];
  for (const [name, alpn] of refused) {
    test(`closed without a handshake: ${name}`, async () => {
      const before = cluster.proxyStats?.refused ?? 0;
      await assert.rejects(connectTls(cluster.proxyAddress, id, alpn));
      assert.equal(cluster.proxyStats?.refused, before + 1);
    });
  }

  test('bytes that are not TLS are closed', async () => {
    const socket = net.connect(hostPort(cluster.proxyAddress));
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await new Promise((resolve) => socket.once('close', resolve));
  });
});
