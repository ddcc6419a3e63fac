// Reading ALPN and SNI from a ClientHello without terminating TLS (the proxy's router).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseClientHello } from '../../../testkit/sim/clientHello';

const u16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);
const vec8 = (b: Buffer) => Buffer.concat([Buffer.from([b.length]), b]);
const vec16 = (b: Buffer) => Buffer.concat([u16(b.length), b]);

/** A minimal ClientHello handshake message with SNI and ALPN extensions. */
function clientHello(alpn: string[], serverName = 'teleport.cluster.local'): Buffer {
  const sni = vec16(Buffer.concat([Buffer.from([0]), vec16(Buffer.from(serverName))]));
  const alpnList = vec16(Buffer.concat(alpn.map((p) => vec8(Buffer.from(p)))));
  const extensions = Buffer.concat([u16(0), vec16(sni), u16(16), vec16(alpnList)]);
  const body = Buffer.concat([
    u16(0x0303),
    Buffer.alloc(32, 7),
    vec8(Buffer.alloc(0)),
    vec16(u16(0x1301)),
    vec8(Buffer.from([0])),
    vec16(extensions),
  ]);
  return Buffer.concat([Buffer.from([1, 0, body.length >> 8, body.length & 0xff]), body]);
}

function records(handshake: Buffer, splitAt?: number): Buffer {
  const record = (b: Buffer) => Buffer.concat([Buffer.from([22, 3, 1]), u16(b.length), b]);
  if (splitAt === undefined) return record(handshake);
  return Buffer.concat([
    record(handshake.subarray(0, splitAt)),
    record(handshake.subarray(splitAt)),
  ]);
}

const ALPN = ['teleport-auth@73696d.teleport.cluster.local', 'h2'];

describe('parseClientHello', () => {
  test('reads ALPN in order and the server name', () => {
    assert.deepEqual(parseClientHello(records(clientHello(ALPN))), {
      status: 'ok',
      alpn: ALPN,
      serverName: 'teleport.cluster.local',
    });
  });

  test('reassembles a ClientHello split across records', () => {
    const result = parseClientHello(records(clientHello(ALPN), 10));
    assert.equal(result.status, 'ok');
    assert.deepEqual(result.status === 'ok' && result.alpn, ALPN);
  });

  test('a prefix is incomplete at every length', () => {
    const full = records(clientHello(ALPN));
    for (let n = 0; n < full.length; n++) {
      assert.equal(parseClientHello(full.subarray(0, n)).status, 'incomplete', `prefix ${n}`);
    }
  });

  const invalid: Array<[string, Buffer]> = [
    ['plain HTTP', Buffer.from('GET / HTTP/1.1\r\n\r\n')],
    ['a handshake that is not a ClientHello', records(Buffer.from([2, 0, 0, 1, 0]))],
    ['a truncated body', records(Buffer.from([1, 0, 0, 3, 3, 3, 0]))],
  ];
  for (const [name, data] of invalid) {
    test(`invalid: ${name}`, () => {
      assert.equal(parseClientHello(data).status, 'invalid');
    });
  }
});
