// API keys, as Temporal Cloud and self-hosted clusters with the default authorizer check them: a
// second, short-lived production server (its own PostgreSQL) whose frontend speaks TLS and checks
// JWTs against a key set served on loopback (server-config.yaml's TEMPORAL_JWT_KEY_SOURCE; its
// system worker goes through the internal frontend). A worker with a `default:write` key from
// --temporal-api-key-file and the CLI with TEMPORAL_API_KEY decide a request; no key, a forged
// key and a read-only key are refused with one line naming the fix.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { main } from '../../src/cli/main';
import { startSimCluster, type SimCluster } from '../../testkit/sim';
import { waitFor } from '../../src/util/waitFor';
import { temporalTlsFlags, uniqueName } from '../support/temporal';
import { startWorkerProcess, type WorkerProcess } from '../support/workerProcess';
import { startJwtIssuer, type JwtIssuer } from './support/jwks';
import { createTemporalPki, FRONTEND_SERVER_NAME } from './support/temporalPki';
import { startProductionTemporal, type ProductionTemporal } from './support/topology';

const SWEEP_TIMEOUT_MS = 60_000;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(argv: string[], env: Record<string, string>): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    env,
    readFile: (p) => fs.promises.readFile(p, 'utf8'),
  });
  return { code, stdout, stderr };
}

function assertOneLine(stderr: string, pattern: RegExp, secret: string): void {
  const lines = stderr.split('\n').filter(Boolean);
  assert.equal(lines.length, 1, `one line, got:\n${stderr}`);
  assert.match(lines[0] ?? '', /^jit-watcher: /);
  assert.match(lines[0] ?? '', pattern);
  assert.doesNotMatch(stderr, /\n\s+at /);
  assert.ok(!stderr.includes(secret.slice(-20)), 'the key is never printed');
}

describe('production server: API keys checked by the default authorizer', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jit-apikey-'));
  let issuer: JwtIssuer;
  let temporal: ProductionTemporal;
  let sim: SimCluster;
  let worker: WorkerProcess | undefined;
  let target: string[];
  let caFile: string;
  const taskQueue = uniqueName('apikey');
  before(async () => {
    issuer = await startJwtIssuer(); // before the server: it reads the key set when it starts
    const pki = await createTemporalPki(dir);
    temporal = await startProductionTemporal({
      tls: { pki, requireClientAuth: false }, // API keys ride on server-side TLS, as on Cloud
      jwt: {
        keySourceUrl: issuer.url,
        adminToken: issuer.token({ permissions: ['temporal-system:admin'] }),
      },
    });
    sim = await startSimCluster({ clusterName: `${uniqueName('apikey')}.example.com` });
    caFile = pki.caFile;
    const tls = temporalTlsFlags({ caFile, serverName: FRONTEND_SERVER_NAME });
    target = ['--cluster', sim.clusterName, '--temporal-address', temporal.address, ...tls];
  });
  after(async () => {
    await worker?.kill();
    await sim?.stop();
    await temporal?.stop();
    await issuer?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a worker with --temporal-api-key-file and the CLI with TEMPORAL_API_KEY decide a request', async () => {
    const keyFile = path.join(dir, 'worker.key');
    fs.writeFileSync(keyFile, issuer.token({ permissions: ['default:write'] }), { mode: 0o600 });
    worker = await startWorkerProcess(
      {
        sim,
        taskQueue,
        temporal: {
          address: temporal.address,
          tls: { caFile, serverName: FRONTEND_SERVER_NAME }, // no client certificate: the key is it
        },
      },
      ['--temporal-api-key-file', keyFile],
    );
    const env = { TEMPORAL_API_KEY: issuer.token({ permissions: ['default:write'] }) };
    let run = await cli(['start', ...target, '--temporal-task-queue', taskQueue], env);
    assert.equal(run.code, 0, run.stderr);
    const request = sim.store.createRequest({ user: 'keyed', roles: ['prod-db'] });
    run = await cli(['sweep', ...target], env);
    assert.equal(run.code, 0, run.stderr);
    await waitFor(() => sim.store.getRequest(request.id)?.state === 'APPROVED', {
      timeoutMs: SWEEP_TIMEOUT_MS,
      what: 'the sweep to approve the request',
    });
    // The approval lands mid-sweep; the count when the sweep has ended.
    await waitFor(
      async () => {
        run = await cli(['status', '--json', ...target], env);
        assert.equal(run.code, 0, run.stderr);
        return (JSON.parse(run.stdout) as { sweeps: number }).sweeps >= 1;
      },
      { timeoutMs: SWEEP_TIMEOUT_MS, intervalMs: 250, what: 'status to count the sweep' },
    );
  });

  test('no key, a forged key, a read-only key for a write: refused, one line each', async () => {
    let run = await cli(['status', ...target], {});
    assert.equal(run.code, 1);
    assertOneLine(run.stderr, /refused the request as unauthorized; pass an API key/, 'none');

    const forged = issuer.token({ permissions: ['default:admin'], forged: true });
    run = await cli(['status', ...target], { TEMPORAL_API_KEY: forged });
    assert.equal(run.code, 1);
    assertOneLine(run.stderr, /refused the request as unauthorized; check the API key/, forged);

    const reader = issuer.token({ permissions: ['default:read'] });
    run = await cli(['status', ...target], { TEMPORAL_API_KEY: reader });
    assert.equal(run.code, 0, run.stderr);
    run = await cli(['pause', ...target], { TEMPORAL_API_KEY: reader });
    assert.equal(run.code, 1);
    assertOneLine(run.stderr, /refused the request as unauthorized; check the API key/, reader);
  });
});
