// The second production server of `npm run test:production`: its frontend speaks TLS and checks
// API keys (JWTs) with the server's default claim mapper and authorizer, against a key set this
// process serves on loopback. Started beside the mTLS server so its startup costs no extra time;
// the tests get its address, CA and ready-made keys from a file (JIT_TEST_APIKEY_TEMPORAL), since
// the signing key stays here.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startJwtIssuer } from './jwks';
import { FRONTEND_SERVER_NAME, type TemporalPki } from './temporalPki';
import { startProductionTemporal } from './topology';

export interface ApiKeyTemporal {
  address: string;
  caFile: string;
  serverName: string;
  /** Keys for the default namespace: read-write, read-only, and one signed by an unknown key. */
  keys: { write: string; read: string; forged: string };
}

export async function startApiKeyTemporal(
  pki: TemporalPki,
  file: string,
  log: (line: string) => void,
): Promise<{ stop(): Promise<void> }> {
  const issuer = await startJwtIssuer(); // first: the server reads the key set when it starts
  try {
    const topology = await startProductionTemporal({
      tls: { pki, requireClientAuth: false }, // API keys ride on server-side TLS, as on Cloud
      jwt: {
        keySourceUrl: issuer.url,
        adminToken: issuer.token({ permissions: ['temporal-system:admin'] }),
      },
      log: (line) => log(`API-key server: ${line}`),
    });
    const described: ApiKeyTemporal = {
      address: topology.address,
      caFile: pki.caFile,
      serverName: FRONTEND_SERVER_NAME,
      keys: {
        write: issuer.token({ permissions: ['default:write'] }),
        read: issuer.token({ permissions: ['default:read'] }),
        forged: issuer.token({ permissions: ['default:admin'], forged: true }),
      },
    };
    fs.writeFileSync(file, JSON.stringify(described), { mode: 0o600 });
    return {
      async stop() {
        await topology.stop();
        await issuer.stop();
        fs.rmSync(file, { force: true });
      },
    };
  } catch (err) {
    await issuer.stop();
    throw err;
  }
}

/** What the runner wrote, for the tests. */
export function apiKeyTemporal(env: NodeJS.ProcessEnv = process.env): ApiKeyTemporal {
  const file = env.JIT_TEST_APIKEY_TEMPORAL;
  if (!file) throw new Error('run by `npm run test:production`, which starts the API-key server');
  return JSON.parse(fs.readFileSync(path.resolve(file), 'utf8')) as ApiKeyTemporal;
}
