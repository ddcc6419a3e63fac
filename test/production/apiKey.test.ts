// API keys, as Temporal Cloud and self-hosted clusters with the default authorizer check them:
// test:production's second server (support/apiKeyTemporal.ts) speaks TLS and checks JWTs against
// a key set served on loopback; its system worker goes through the internal frontend. A worker
// with a `default:write` key from --temporal-api-key-file and the CLI with TEMPORAL_API_KEY
// decide a request; no key, a forged key and a read-only key for a write are refused with one
// line naming the fix.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startSimCluster, type SimCluster } from '../../testkit/sim';
import { waitFor } from '../../src/util/waitFor';
import { temporalTlsFlags, uniqueName } from '../support/temporal';
import { startWorkerProcess, type WorkerProcess } from '../support/workerProcess';
import { apiKeyTemporal, type ApiKeyTemporal } from './support/apiKeyTemporal';
import { assertOneLine, cli, type CliRun } from './support/cli';

const SWEEP_TIMEOUT_MS = 60_000;

describe('production server: API keys checked by the default authorizer', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jit-apikey-'));
  let temporal: ApiKeyTemporal;
  let sim: SimCluster;
  let worker: WorkerProcess | undefined;
  let target: string[];
  const taskQueue = uniqueName('apikey');
  before(async () => {
    temporal = apiKeyTemporal();
    sim = await startSimCluster({ clusterName: `${uniqueName('apikey')}.example.com` });
    const tls = temporalTlsFlags({ caFile: temporal.caFile, serverName: temporal.serverName });
    target = ['--cluster', sim.clusterName, '--temporal-address', temporal.address, ...tls];
  });
  after(async () => {
    await worker?.kill();
    await sim?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a worker with --temporal-api-key-file and the CLI with TEMPORAL_API_KEY decide a request', async () => {
    const keyFile = path.join(dir, 'worker.key');
    fs.writeFileSync(keyFile, temporal.keys.write, { mode: 0o600 });
    worker = await startWorkerProcess(
      {
        sim,
        taskQueue,
        // No client certificate: the key is the credential, TLS only proves the server.
        temporal: {
          address: temporal.address,
          tls: { caFile: temporal.caFile, serverName: temporal.serverName },
        },
      },
      ['--temporal-api-key-file', keyFile],
    );
    const env = { TEMPORAL_API_KEY: temporal.keys.write };
    let run: CliRun = await cli(['start', ...target, '--temporal-task-queue', taskQueue], env);
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
    assertOneLine(run.stderr, /refused the request as unauthorized; pass an API key/);

    const { forged, read } = temporal.keys;
    run = await cli(['status', ...target], { TEMPORAL_API_KEY: forged });
    assert.equal(run.code, 1);
    assertOneLine(run.stderr, /refused the request as unauthorized; check the API key/, forged);

    run = await cli(['status', ...target], { TEMPORAL_API_KEY: read });
    assert.equal(run.code, 0, run.stderr);
    run = await cli(['pause', ...target], { TEMPORAL_API_KEY: read });
    assert.equal(run.code, 1);
    assertOneLine(run.stderr, /refused the request as unauthorized; check the API key/, read);
  });
});
