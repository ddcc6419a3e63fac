// The one-line reasons for a failed Temporal connection, against a real TLS listener that requires
// client certificates (Node's HTTP/2 server; test:production checks the same against the Temporal
// server itself): no certificate, an unknown CA, a wrong or missing server name, a plain client,
// nothing listening, and refusals by an authorizer.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { TLSConfig } from '@temporalio/client';
import {
  describeConnectionFailure,
  describeRefusal,
} from '../../../src/temporal/connectionProblem';
import { freePort } from '../../../src/util/freePort';
import {
  createTemporalPki,
  FRONTEND_SERVER_NAME,
  type TemporalPki,
} from '../../production/support/temporalPki';

describe('describeConnectionFailure', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jit-connproblem-'));
  let pki: TemporalPki;
  let server: http2.Http2SecureServer;
  let address: string;
  const read = (file: string) => fs.readFileSync(file);
  const client = () => ({ crt: read(pki.watcher.cert), key: read(pki.watcher.key) });
  const why = (tls: TLSConfig | undefined, files = {}) =>
    describeConnectionFailure(
      new Error('Failed to connect before the deadline'),
      { address, tls },
      files,
    );

  before(async () => {
    pki = await createTemporalPki(dir);
    server = http2.createSecureServer({
      cert: read(pki.frontend.cert),
      key: read(pki.frontend.key),
      ca: read(pki.caFile),
      requestCert: true,
      rejectUnauthorized: true,
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('no client certificate', async () => {
    const line = await why({
      serverRootCACertificate: read(pki.caFile),
      serverNameOverride: FRONTEND_SERVER_NAME,
    });
    assert.match(
      line,
      /requires a client certificate \(mTLS\); pass --temporal-tls-cert and --temporal-tls-key$/,
    );
  });

  test('a client certificate from another CA', async () => {
    const line = await why(
      {
        serverRootCACertificate: read(pki.caFile),
        serverNameOverride: FRONTEND_SERVER_NAME,
        clientCertPair: { crt: read(pki.stranger.cert), key: read(pki.stranger.key) },
      },
      { certFile: pki.stranger.cert },
    );
    assert.match(line, /refused our client certificate .*stranger\.pem/);
  });

  test('the wrong CA, or the system CAs', async () => {
    const line = await why(
      {
        serverRootCACertificate: read(pki.otherCaFile),
        serverNameOverride: FRONTEND_SERVER_NAME,
        clientCertPair: client(),
      },
      { caFile: pki.otherCaFile },
    );
    assert.match(line, /not signed by the CA in .*other-ca\.pem .*--temporal-tls-ca$/);
    const system = await why({
      serverNameOverride: FRONTEND_SERVER_NAME,
      clientCertPair: client(),
    });
    assert.match(system, /not signed by the system CAs/);
  });

  test('the wrong server name, or none for an address that is an IP', async () => {
    const wrong = await why({
      serverRootCACertificate: read(pki.caFile),
      serverNameOverride: 'temporal.example.com',
      clientCertPair: client(),
    });
    assert.match(
      wrong,
      /not valid for the name we verify \(temporal\.example\.com; it holds DNS:frontend\.temporal\.test\); set --temporal-tls-server-name/,
    );
    const none = await why({ serverRootCACertificate: read(pki.caFile), clientCertPair: client() });
    assert.match(none, /\(127\.0\.0\.1; it holds DNS:frontend\.temporal\.test\)/);
  });

  test('no TLS settings for a TLS server; nothing listening', async () => {
    assert.match(await why(undefined), /speaks TLS; pass --temporal-tls-ca/);
    address = `127.0.0.1:${await freePort()}`;
    try {
      assert.match(await why(undefined), /^cannot reach Temporal at .* \(ECONNREFUSED\)/);
    } finally {
      address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    }
  });

  test('authorization refusals name the API key settings, other errors are left alone', () => {
    const denied = Object.assign(new Error('7 PERMISSION_DENIED: Request unauthorized.'), {
      code: 7,
    });
    assert.match(
      describeRefusal(denied, { address, apiKey: 'k' }) ?? '',
      /refused the request as unauthorized; check the API key \(TEMPORAL_API_KEY or --temporal-api-key-file\)/,
    );
    assert.match(describeRefusal(denied, { address }) ?? '', /pass an API key/);
    assert.equal(describeRefusal(new Error('workflow not found'), { address }), undefined);
  });
});
