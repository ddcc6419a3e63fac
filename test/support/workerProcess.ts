// A `jit-watcher worker` in its own process, for tests that must kill a worker outright (SIGKILL):
// nothing in it gets to finish, as when a VM or pod dies. It serves the stack's task queue with an
// identity issued by the stack's simulated cluster.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { StopWaiting, waitFor } from '../../src/util/waitFor';
import type { Stack } from './stack';
import { temporalTlsFlags, type TestTemporal } from './temporal';

const MAIN = path.join(__dirname, '..', '..', 'src', 'cli', 'main.ts');

export interface WorkerProcess {
  /** Its process id: the SDK's default worker identity is `<pid>@<host>`. */
  pid: number;
  /** Kills the process without warning and waits for it to be gone. */
  kill(): Promise<void>;
}

/** What a worker needs of a stack: its cluster, a Temporal to reach and the task queue. */
export type WorkerTarget = Pick<Stack, 'sim' | 'taskQueue'> & {
  temporal: Pick<TestTemporal, 'address' | 'tls'>;
};

/** node's arguments for `jit-watcher worker` serving `stack`, with a bot identity in `dir`. */
export async function workerArgs(
  stack: WorkerTarget,
  dir: string,
  extraFlags: string[] = [],
): Promise<string[]> {
  const identity = path.join(dir, 'identity');
  await fs.writeFile(
    identity,
    await stack.sim.issueIdentity({ user: 'bot-jit-watcher', roles: ['jit-watcher'] }),
    { mode: 0o600 },
  );
  return [
    ...['--import', 'tsx', MAIN, 'worker'],
    ...['-p', stack.sim.proxyAddress, '-i', identity],
    ...['--temporal-address', stack.temporal.address],
    ...temporalTlsFlags(stack.temporal.tls),
    ...['--temporal-task-queue', stack.taskQueue],
    ...['--watch-events=false', '--metrics-listen', ''],
    ...extraFlags,
  ];
}

export async function startWorkerProcess(
  stack: WorkerTarget,
  extraFlags: string[] = [],
): Promise<WorkerProcess> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'jit-worker-'));
  const args = await workerArgs(stack, dir, extraFlags);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitFor(
      () => {
        if (child.exitCode !== null) throw new StopWaiting(`worker exited: ${output.join('')}`);
        return output.join('').includes('"worker polling"');
      },
      { timeoutMs: 60_000, what: 'the worker process to poll' },
    );
  } catch (err) {
    await stop(child, exited, dir);
    throw err;
  }
  return { pid: child.pid ?? 0, kill: () => stop(child, exited, dir) };
}

async function stop(child: ChildProcess, exited: Promise<void>, dir: string): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await exited;
  await fs.rm(dir, { recursive: true, force: true });
}
