// The watcher's worker as production runs it: the compiled CLI (`npm run build`) in its own
// process, with the Node heap and allocator settings the deployment files give it, so its memory is the
// worker's alone, measured by the kernel's peak resident set.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..');

/** The compiled CLI's path in a build (default this tree); `npm run bench:*` builds it first. */
function compiledCli(buildDir = ROOT): string {
  const cli = path.join(buildDir, 'dist', 'cli', 'main.js');
  if (!fs.existsSync(cli)) throw new Error(`${cli} is missing; run npm run build first`);
  return cli;
}

/**
 * The process settings deploy/systemd/jit-watcher.env gives Node and the C library's allocator
 * (the Dockerfile sets the same; a test checks). The watcher's own settings come as flags.
 */
export function deployedProcessEnv(): Record<string, string> {
  const env = fs.readFileSync(path.join(ROOT, 'deploy', 'systemd', 'jit-watcher.env'), 'utf8');
  const settings: Record<string, string> = {};
  for (const name of ['NODE_OPTIONS', 'MALLOC_ARENA_MAX']) {
    const value = new RegExp(`^${name}=(.*)$`, 'm').exec(env)?.[1];
    if (value === undefined)
      throw new Error(`deploy/systemd/jit-watcher.env no longer sets ${name}`);
    settings[name] = value;
  }
  return settings;
}

export interface WorkerProcess {
  /** Peak resident memory so far (VmHWM), in MiB. */
  peakRssMiB(): number;
  /** Why the process has exited, if it has. */
  exited(): string | undefined;
  stop(): Promise<void>;
}

export interface WorkerProcessOptions {
  teleportAddress: string;
  identityFile: string;
  temporalAddress: string;
  taskQueue: string;
  /** A build's root (bench/landedBuild.ts); default this tree's dist/. */
  buildDir?: string;
}

export function startWorkerProcess(options: WorkerProcessOptions): WorkerProcess {
  const args = [
    ...[
      compiledCli(options.buildDir),
      'worker',
      '-p',
      options.teleportAddress,
      '-i',
      options.identityFile,
    ],
    ...['--temporal-address', options.temporalAddress],
    ...['--temporal-task-queue', options.taskQueue],
    ...['--watch-events=false', '--metrics-listen', ''],
  ];
  // Logs stay on (one JSON line per decision, as in production) and go to a file, as a journal
  // would take them: a pipe read by this busy process would hold the worker back.
  const logFile = path.join(
    os.tmpdir(),
    `jit-watcher-bench-worker-${process.pid}-${options.taskQueue}.log`,
  );
  const { child, exited, gone } = spawnLogged(process.execPath, args, {}, logFile);
  // JIT_BENCH_KEEP_LOGS=1 keeps the log for a look at a failed run (its path goes to stderr).
  if (process.env.JIT_BENCH_KEEP_LOGS) console.error(`worker log: ${logFile}`);
  else void gone.then(() => fs.rmSync(logFile, { force: true }));
  return {
    peakRssMiB() {
      const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kib = Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN);
      return Math.round(kib / 1024);
    },
    exited,
    async stop() {
      if (exited() === undefined) child.kill('SIGTERM');
      await gone;
    },
  };
}

export interface LoggedProcess {
  child: ChildProcess;
  /** Why the process has exited (with its log's last line), if it has. */
  exited: () => string | undefined;
  /** Resolves once it has exited. */
  gone: Promise<void>;
}

/**
 * A worker process with the deployed settings (and `env` over them), its stdout and stderr in
 * `logFile`.
 */
export function spawnLogged(
  node: string,
  args: string[],
  env: Record<string, string>,
  logFile: string,
  cwd?: string,
): LoggedProcess {
  const log = fs.openSync(logFile, 'w');
  const child = spawn(node, args, {
    ...(cwd ? { cwd } : {}),
    stdio: ['ignore', log, log],
    env: { ...process.env, ...deployedProcessEnv(), ...env },
  });
  fs.closeSync(log);
  let exit: string | undefined;
  const gone = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      const last = fs.readFileSync(logFile, 'utf8').trim().split('\n').pop() ?? '';
      exit = `worker exited (${signal ?? code}): ${last}`;
      resolve();
    }),
  );
  return { child, exited: () => exit, gone };
}
