// What commands may touch of the outside world, passed in so tests can capture output and feed
// files without a process of their own.
import * as fs from 'node:fs/promises';

export interface CliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  env: Record<string, string | undefined>;
  readFile: (path: string) => Promise<string>;
  /** A progress line that the next one replaces ('' clears it); set only when stderr is a terminal. */
  progress?: (line: string) => void;
}

export function processIo(): CliIo {
  return {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    env: process.env,
    readFile: (p) => fs.readFile(p, 'utf8'),
    ...(process.stderr.isTTY
      ? { progress: (line: string) => process.stderr.write(`\r${line}\x1b[K`) }
      : {}),
  };
}
