// `jit-watcher` commands run in this process through the CLI's own entry point and error boundary
// (src/cli/main.ts), their output captured, for the tests that check what an operator reads.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { main } from '../../../src/cli/main';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** `jit-watcher <argv>` with `env` as its whole environment. */
export async function cli(argv: string[], env: Record<string, string> = {}): Promise<CliRun> {
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

/**
 * Exactly one line, the CLI's, naming the problem: no stack trace, no PEM, not the `secret`.
 * (A worker's JSON log lines before it, "identity loaded" and the like, are its log.)
 */
export function assertOneLine(stderr: string, pattern: RegExp, secret?: string): void {
  const lines = stderr.split('\n').filter((l) => l && !l.startsWith('{"time"'));
  assert.equal(lines.length, 1, `one line, got:\n${stderr}`);
  assert.match(lines[0] ?? '', /^jit-watcher: /);
  assert.match(lines[0] ?? '', pattern);
  assert.doesNotMatch(stderr, /\n\s+at |BEGIN [A-Z ]*(KEY|CERTIFICATE)/);
  if (secret) assert.ok(!stderr.includes(secret.slice(-20)), 'the secret is never printed');
}
