// Running the production topology's programs (initdb, the schema script, the Temporal server):
// a one-shot command awaited to its end with a deadline, and a long-running one whose output is
// kept for the error that names why it stopped. Every process started here is killed when the
// test process exits, whatever happened.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

const DEFAULT_TIMEOUT_MS = 120_000;
const KEPT_CHUNKS = 80;

/** Runs a command to its end; rejects with its last output when it fails or overruns. */
export function runToEnd(
  command: string,
  args: string[],
  options: SpawnOptions & { timeoutMs?: number } = {},
): Promise<string> {
  const { timeoutMs = DEFAULT_TIMEOUT_MS, ...spawnOptions } = options;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...spawnOptions, stdio: ['ignore', 'pipe', 'pipe'] });
    const output = keepOutput(child);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`${command}: ${err.message}`));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(output.text());
      else {
        const why = signal ? `killed by ${signal} (deadline ${timeoutMs} ms)` : `exit code ${code}`;
        reject(new Error(`${command} ${args.join(' ')}: ${why}: ${output.tail()}`));
      }
    });
  });
}

export interface KeptOutput {
  text(): string;
  /** The last few lines, for an error message. */
  tail(lines?: number): string;
}

export function keepOutput(child: ChildProcess): KeptOutput {
  const chunks: string[] = [];
  const keep = (chunk: Buffer): void => {
    chunks.push(chunk.toString());
    if (chunks.length > KEPT_CHUNKS) chunks.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return {
    text: () => chunks.join(''),
    // Server logs carry stack traces: each line cut short, so an error stays readable.
    tail: (lines = 5) =>
      chunks
        .join('')
        .trim()
        .split('\n')
        .slice(-lines)
        .map((l) => (l.length > 400 ? `${l.slice(0, 400)}…` : l))
        .join(' | '),
  };
}

/** Kills `child` with SIGKILL if this process exits first; returns the undo. */
export function killOnExit(child: ChildProcess): () => void {
  const kill = (): void => void child.kill('SIGKILL');
  process.once('exit', kill);
  child.once('exit', () => process.removeListener('exit', kill));
  return () => process.removeListener('exit', kill);
}

/** Stops a child: `signal`, then SIGKILL after `graceMs`; resolves once it is gone. */
export function stopProcess(
  child: ChildProcess,
  signal: NodeJS.Signals,
  graceMs: number,
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill(signal);
  });
}
