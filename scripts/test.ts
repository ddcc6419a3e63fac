// The test command (`npm test`): starts one real Temporal dev server for the whole run, hands its
// address to every test file through JIT_TEST_TEMPORAL_ADDRESS, runs node's test runner over the
// given folders (default: test/, less test/production), and always stops the server. Tests that
// need no Temporal ignore it. `npm run test:production` (scripts/test-production.ts) runs the rest.
import * as path from 'node:path';
import { startDevServer, type DevServer } from '../src/temporal/devServer';
import { runTests, testFiles } from './testRunner';

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
      // Small enough that tests exercise continue-as-new; real deployments keep Temporal's default.
      dynamicConfig: { 'limit.historyCount.suggestContinueAsNew': 400 },
    });
    env.JIT_TEST_TEMPORAL_ADDRESS = server.address;
    console.log(`test: Temporal dev server at ${server.address} (node ${process.version})`);
  }
  try {
    return await runTests(files, env, { concurrency: 2 });
  } finally {
    await server?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`test: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
