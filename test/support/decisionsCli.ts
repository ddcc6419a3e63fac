// CLI commands that print JSON (`decisions --json`, `usage --json`) run in-process against a
// test's Temporal, one JSON line each, so tests check what an operator reads.
import assert from 'node:assert/strict';
import { decisionsCommand } from '../../src/cli/commands/decisions';
import { usageCommand } from '../../src/cli/commands/usage';
import type { CliIo } from '../../src/cli/io';
import { temporalTlsEnv } from './temporal';

type JsonCommand = (argv: string[], io: CliIo) => Promise<number>;

async function jsonLines(
  command: JsonCommand,
  temporalAddress: string,
  args: string[],
): Promise<string[]> {
  let out = '';
  const code = await command([...args, '--json'], {
    stdout: (s) => (out += s),
    stderr: (s) => (out += s),
    env: { JIT_WATCHER_TEMPORAL_ADDRESS: temporalAddress, ...temporalTlsEnv() },
    readFile: () => Promise.reject(new Error('no files')),
  });
  assert.equal(code, 0, out);
  return out.trim().split('\n').filter(Boolean);
}

/** `jit-watcher decisions ARGS --json`'s lines; asserts it exited 0. */
export function decisionsJson(temporalAddress: string, args: string[]): Promise<string[]> {
  return jsonLines(decisionsCommand, temporalAddress, args);
}

/** `jit-watcher usage ARGS --json`'s lines; asserts it exited 0. */
export function usageJson(temporalAddress: string, args: string[]): Promise<string[]> {
  return jsonLines((argv, io) => usageCommand(argv, io), temporalAddress, args);
}
