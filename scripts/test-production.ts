// `npm run test:production`: the essentials against the topology production runs, not the dev
// server: a private PostgreSQL, the Temporal server built from go.temporal.io/server on it, set up
// by the scripts docker-compose.yml runs. One server for the whole run, files one at a time (one
// of them kills the server); the server's pid is kept current in a file so a test can kill it and
// watch its supervisor start it again. Its frontend requires client certificates, as production
// clusters do: the run makes a CA and certificates, and every worker and CLI command in the tests
// connects with them (JIT_TEST_TEMPORAL_TLS_*; JIT_TEST_TEMPORAL_PKI lists them all for the tests
// that try the wrong ones). Beside it, started at the same time, a second server that checks API
// keys instead (support/apiKeyTemporal.ts; JIT_TEST_APIKEY_TEMPORAL), when apiKey.test.ts runs.
// Everything started here is stopped at the end.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startApiKeyTemporal } from '../test/production/support/apiKeyTemporal';
import { createTemporalPki, FRONTEND_SERVER_NAME } from '../test/production/support/temporalPki';
import { startProductionTemporal } from '../test/production/support/topology';
import { runTests, testFiles } from './testRunner';

const TEST_TIMEOUT_MS = 5 * 60_000; // per test: a hung test fails instead of holding CI
const RUN_TIMEOUT_MS = 20 * 60_000; // the whole run takes 2-3 minutes

async function main(): Promise<number> {
  const roots = process.argv.slice(2);
  const files = testFiles(roots.length > 0 ? roots : [path.join('test', 'production')]);
  const log = (line: string): void => console.log(`test:production: ${line}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jit-prod-'));
  const pki = await createTemporalPki(dir);
  const pkiFile = path.join(dir, 'pki.json');
  fs.writeFileSync(pkiFile, JSON.stringify(pki)); // paths only
  const apiKeyFile = path.join(dir, 'api-key-server.json');
  const wantApiKeys = files.some((f) => path.basename(f) === 'apiKey.test.ts');
  const started = await Promise.allSettled([
    startProductionTemporal({
      // As `npm test` gives the dev server: small enough that tests exercise continue-as-new.
      dynamicConfig: { 'limit.historyCount.suggestContinueAsNew': 400 },
      tls: { pki, requireClientAuth: true },
      log,
    }),
    wantApiKeys ? startApiKeyTemporal(pki, apiKeyFile, log) : undefined,
  ]);
  const [mtls, keyed] = started;
  if (mtls.status === 'rejected' || keyed.status === 'rejected') {
    for (const s of started) if (s.status === 'fulfilled') await s.value?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
    throw mtls.status === 'rejected' ? mtls.reason : (keyed as PromiseRejectedResult).reason;
  }
  const topology = mtls.value;
  log(`frontend requires client certificates (mTLS, server name ${FRONTEND_SERVER_NAME})`);
  const pidFile = path.join(dir, 'server.pid');
  const writePid = (): void => fs.writeFileSync(pidFile, String(topology.server.pid() ?? ''));
  writePid();
  const keepPid = setInterval(writePid, 100);
  try {
    const env = {
      ...process.env,
      JIT_TEST_TEMPORAL_ADDRESS: topology.address,
      JIT_TEST_TEMPORAL_SERVER_PID_FILE: pidFile,
      JIT_TEST_TEMPORAL_TLS_CA: pki.caFile,
      JIT_TEST_TEMPORAL_TLS_CERT: pki.watcher.cert,
      JIT_TEST_TEMPORAL_TLS_KEY: pki.watcher.key,
      JIT_TEST_TEMPORAL_TLS_SERVER_NAME: FRONTEND_SERVER_NAME,
      JIT_TEST_TEMPORAL_PKI: pkiFile,
      JIT_TEST_APIKEY_TEMPORAL: apiKeyFile,
    };
    return await runTests(files, env, {
      concurrency: 1,
      testTimeoutMs: TEST_TIMEOUT_MS,
      runTimeoutMs: RUN_TIMEOUT_MS,
    });
  } finally {
    clearInterval(keepPid);
    await Promise.all([topology.stop(), keyed.value?.stop()]);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`test:production: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
