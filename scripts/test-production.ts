// `npm run test:production`: the essentials against the topology production runs, not the dev
// server: a private PostgreSQL, the Temporal server built from go.temporal.io/server on it, set up
// by the scripts docker-compose.yml runs. One server for the whole run, files one at a time (one
// of them kills the server); the server's pid is kept current in a file so a test can kill it and
// watch its supervisor start it again. Everything started here is stopped at the end.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startProductionTemporal } from '../test/production/support/topology';
import { runTests, testFiles } from './testRunner';

const TEST_TIMEOUT_MS = 5 * 60_000; // per test: a hung test fails instead of holding CI

async function main(): Promise<number> {
  const roots = process.argv.slice(2);
  const files = testFiles(roots.length > 0 ? roots : [path.join('test', 'production')]);
  const log = (line: string): void => console.log(`test:production: ${line}`);
  const topology = await startProductionTemporal({
    // As `npm test` gives the dev server: small enough that tests exercise continue-as-new.
    dynamicConfig: { 'limit.historyCount.suggestContinueAsNew': 400 },
    log,
  });
  const pidFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'jit-prod-')), 'server.pid');
  const writePid = (): void => fs.writeFileSync(pidFile, String(topology.server.pid() ?? ''));
  writePid();
  const keepPid = setInterval(writePid, 100);
  try {
    const env = {
      ...process.env,
      JIT_TEST_TEMPORAL_ADDRESS: topology.address,
      JIT_TEST_TEMPORAL_SERVER_PID_FILE: pidFile,
    };
    return await runTests(files, env, { concurrency: 1, testTimeoutMs: TEST_TIMEOUT_MS });
  } finally {
    clearInterval(keepPid);
    await topology.stop();
    fs.rmSync(path.dirname(pidFile), { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`test:production: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
