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

export interface RunOptions {
  concurrency: number;
  /** Fails a test that runs longer. */
  testTimeoutMs?: number;
  /**
   * Stops the whole run (the runner and every test process) once it runs longer: a test that
   * timed out may leave its file's process waiting on what hung. Not `--test-force-exit`: on
   * Node 24 it ends files before their later suites report (fast-check's properties lost tests).
   */
  runTimeoutMs?: number;
}

/** Runs node's test runner over `files`; resolves with its exit code (1 when it was stopped). */
export function runTests(
  files: string[],
  env: NodeJS.ProcessEnv,
  options: RunOptions,
): Promise<number> {
  const args = ['--import', 'tsx', '--test', `--test-concurrency=${options.concurrency}`];
  if (options.testTimeoutMs) args.push(`--test-timeout=${options.testTimeoutMs}`);
  return new Promise<number>((resolve) => {
    // Its own process group, so a stop reaches the test files' processes too.
    const child = spawn(process.execPath, [...args, ...files], {
      stdio: 'inherit',
      env,
      detached: true,
    });
    // Out of the terminal's process group, Ctrl-C reaches the tests only through this process.
    const stop = (signal: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, signal);
      } catch {
        // The group is gone already: nothing left to stop.
      }
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    const limit = options.runTimeoutMs;
    const stopper = limit
      ? setTimeout(() => {
          console.error(
            `test: the run passed ${limit / 60_000} minutes, so a test hangs; stopping it (its failures and the workers' logs follow)`,
          );
          stop('SIGKILL');
        }, limit)
      : undefined;
    child.on('exit', (code, signal) => {
      clearTimeout(stopper);
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}
