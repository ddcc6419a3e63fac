// The test command (`npm test`): starts one real Temporal dev server for the whole run, hands its
// address to every test file through JIT_TEST_TEMPORAL_ADDRESS, runs node's test runner over the
// given folders (default: test/), and always stops the server. Tests that need no Temporal ignore it.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startDevServer, type DevServer } from '../src/temporal/devServer';

function testFiles(roots: string[]): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.test.ts')) found.push(full);
    }
  };
  for (const root of roots) {
    if (fs.statSync(root).isDirectory()) walk(root);
    else found.push(root);
  }
  return found.sort();
}

async function main(): Promise<number> {
  const roots = process.argv.slice(2);
  // test/faults is its own, slower suite (`npm run test:faults`): only when named.
  const files =
    roots.length > 0
      ? testFiles(roots)
      : testFiles(['test']).filter((f) => !f.startsWith(path.join('test', 'faults') + path.sep));
  let server: DevServer | undefined;
  const env = { ...process.env };
  const needsTemporal = files.some((f) => !f.includes(`${path.sep}unit${path.sep}`));
  if (needsTemporal && !env.JIT_TEST_TEMPORAL_ADDRESS) {
    server = await startDevServer({
      // Small enough that tests exercise continue-as-new; real deployments keep Temporal's default.
      dynamicConfig: { 'limit.historyCount.suggestContinueAsNew': 400 },
    });
    env.JIT_TEST_TEMPORAL_ADDRESS = server.address;
    console.log(`test: Temporal dev server at ${server.address}`);
  }
  try {
    return await new Promise<number>((resolve) => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', '--test', '--test-concurrency=2', ...files],
        { stdio: 'inherit', env },
      );
      child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    });
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
