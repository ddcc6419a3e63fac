// What `npm test` and `npm run test:production` share: finding the test files under the given
// folders and running node's test runner over them in a child process with the given environment.
// test/production is left out of a walk unless named: it needs PostgreSQL and the built server.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const PRODUCTION_DIR = path.join('test', 'production');

export function testFiles(roots: string[]): string[] {
  const found: string[] = [];
  const walk = (dir: string, explicit: boolean): void => {
    if (!explicit && path.normalize(dir) === PRODUCTION_DIR) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full, false);
      else if (entry.name.endsWith('.test.ts')) found.push(full);
    }
  };
  for (const root of roots) {
    if (fs.statSync(root).isDirectory()) walk(root, true);
    else found.push(root);
  }
  return found.sort();
}

/** Runs node's test runner over `files`; resolves with its exit code. */
export function runTests(
  files: string[],
  env: NodeJS.ProcessEnv,
  options: { concurrency: number; testTimeoutMs?: number },
): Promise<number> {
  const args = ['--import', 'tsx', '--test', `--test-concurrency=${options.concurrency}`];
  // A test that timed out may leave its file's process waiting on what hung: exit it anyway.
  if (options.testTimeoutMs)
    args.push(`--test-timeout=${options.testTimeoutMs}`, '--test-force-exit');
  return new Promise<number>((resolve) => {
    const child = spawn(process.execPath, [...args, ...files], { stdio: 'inherit', env });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}
