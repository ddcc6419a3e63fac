// `jit-watcher decisions --json` run in-process against a test's Temporal, one JSON line per
// decision, so tests check the audit exactly as an operator reads it.
import assert from 'node:assert/strict';
import { decisionsCommand } from '../../src/cli/commands/decisions';
import { temporalTlsEnv } from './temporal';

/** The command's output lines; asserts it exited 0. */
export async function decisionsJson(temporalAddress: string, args: string[]): Promise<string[]> {
  let out = '';
  const code = await decisionsCommand([...args, '--json'], {
    stdout: (s) => (out += s),
    stderr: (s) => (out += s),
    env: { JIT_WATCHER_TEMPORAL_ADDRESS: temporalAddress, ...temporalTlsEnv() },
    readFile: () => Promise.reject(new Error('no files')),
  });
  assert.equal(code, 0, out);
  return out.trim().split('\n').filter(Boolean);
}
