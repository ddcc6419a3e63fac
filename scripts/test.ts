// The test command (`npm test`): starts one real Temporal dev server for the whole run, hands its
// address to every test file through JIT_TEST_TEMPORAL_ADDRESS, runs node's test runner over the
// given folders (default: test/, less test/production), and always stops the server. Tests that
// need no Temporal ignore it. A test that hangs fails at TEST_TIMEOUT_MS, and a run that hangs is
// stopped at RUN_TIMEOUT_MS; when the run fails, the warnings the tests' workers logged
// (test/support/stack.ts) are printed, for what CI cannot rerun. `npm run test:production`
// (scripts/test-production.ts) runs the rest.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startDevServer, type DevServer } from '../src/temporal/devServer';
import { TEST_DEV_SERVER_CONFIG } from '../test/support/devServerConfig';
import { runTests, testFiles } from './testRunner';

const TEST_TIMEOUT_MS = 5 * 60_000; // per test; the longest takes under a minute
const RUN_TIMEOUT_MS = 20 * 60_000; // the whole run takes 5-8 minutes
const LOG_LINES = 40;

async function main(): Promise<number> {
  const roots = process.argv.slice(2);
  // test/faults and test/image are their own suites (`npm run test:faults`, `npm run test:image`:
  // slower, or needing root and a built image): only when named.
  const own = ['faults', 'image'].map((d) => path.join('test', d) + path.sep);
  const files =
    roots.length > 0
      ? testFiles(roots)
      : testFiles(['test']).filter((f) => !own.some((d) => f.startsWith(d)));
  let server: DevServer | undefined;
  const env = { ...process.env };
  const needsTemporal = files.some((f) => !f.includes(`${path.sep}unit${path.sep}`));
  if (needsTemporal && !env.JIT_TEST_TEMPORAL_ADDRESS) {
    server = await startDevServer({
      dynamicConfig: TEST_DEV_SERVER_CONFIG,
    });
    env.JIT_TEST_TEMPORAL_ADDRESS = server.address;
    console.log(`test: Temporal dev server at ${server.address} (node ${process.version})`);
  }
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jit-test-logs-'));
  env.JIT_TEST_LOG_DIR = logDir;
  try {
    const code = await runTests(files, env, {
      concurrency: 2,
      testTimeoutMs: TEST_TIMEOUT_MS,
      runTimeoutMs: RUN_TIMEOUT_MS,
    });
    if (code !== 0) printWorkerLogs(logDir);
    return code;
  } finally {
    await server?.stop();
    fs.rmSync(logDir, { recursive: true, force: true });
  }
}

/** The last lines of each test process's worker log, one file per test process. */
function printWorkerLogs(dir: string): void {
  for (const name of fs.readdirSync(dir).sort()) {
    const lines = fs.readFileSync(path.join(dir, name), 'utf8').trimEnd().split('\n');
    console.log(`test: last ${Math.min(lines.length, LOG_LINES)} worker log lines of ${name}:`);
    for (const line of lines.slice(-LOG_LINES)) console.log(`  ${line}`);
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`test: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
