// An issuer of Temporal API keys for tests: an ES256 signing key, its public half served as a JWKS
// on loopback (the server's jwtKeyProvider fetches keySourceURIs with a plain HTTP GET), and
// tokens in the shape the server's default claim mapper reads: `sub` and `permissions` entries
// `<namespace>:<read|write|worker|admin>` (`temporal-system:admin` for the whole cluster).
import { createSign, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TokenOptions {
  permissions: string[];
  /** Signed with a key the server does not know (same key id). */
  forged?: boolean;
  expiresInS?: number;
}

export interface JwtIssuer {
  /** The JWKS URL, for TEMPORAL_JWT_KEY_SOURCE. */
  url: string;
  token(options: TokenOptions): string;
  stop(): Promise<void>;
}

const base64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

function sign(privateKey: KeyObject, kid: string, claims: Record<string, unknown>): string {
  const header = base64url(JSON.stringify({ alg: 'ES256', typ: 'JWT', kid }));
  const body = base64url(JSON.stringify(claims));
  const signer = createSign('SHA256');
  signer.update(`${header}.${body}`);
  // JWS wants the raw r||s pair, not DER.
  const signature = signer.sign({ key: privateKey, dsaEncoding: 'ieee-p1363' });
  return `${header}.${body}.${base64url(signature)}`;
}

export async function startJwtIssuer(): Promise<JwtIssuer> {
  const kid = randomBytes(8).toString('hex');
  const trusted = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const forger = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = { ...trusted.publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'ES256' };
  const body = JSON.stringify({ keys: [jwk] });
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    token({ permissions, forged = false, expiresInS = 3600 }) {
      const now = Math.floor(Date.now() / 1000);
      return sign(forged ? forger.privateKey : trusted.privateKey, kid, {
        sub: 'jit-watcher-test',
        permissions,
        iat: now,
        exp: now + expiresInS,
      });
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
