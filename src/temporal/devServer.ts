// Runs the Temporal dev server from the Temporal CLI as a child process: `jit-watcher run` uses it
// when no Temporal address is configured, and the test harness uses it as the real server. It
// never downloads anything: the binary comes from temporal/install-cli.sh, found on disk here.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Connection } from '@temporalio/client';
import { freePort } from '../util/freePort';
import { StopWaiting, waitFor } from '../util/waitFor';
import { WATCHDOG_SCRIPT, WATCHDOG_SHELL } from './devServerWatchdog';
import { SEARCH_ATTRIBUTE_REGISTRATIONS } from './searchAttributes';

const STARTUP_TIMEOUT_MS = 60_000; // first start on a cold disk compiles the SQLite schema

export interface DevServerOptions {
  /** gRPC port; 0 picks a free one. */
  port?: number;
  /** Web UI port; 0 picks a free one; undefined disables the UI. */
  uiPort?: number;
  /** SQLite file that keeps history across restarts; undefined keeps everything in memory. */
  dbFile?: string;
  /** Extra `--dynamic-config-value K=V` settings, e.g. a low continue-as-new threshold. */
  dynamicConfig?: Record<string, string | number | boolean>;
  /** Path to the `temporal` binary; found with findTemporalCli() when omitted. */
  executable?: string;
  log?: (line: string) => void;
}

export interface DevServer {
  address: string;
  uiUrl?: string;
  /** The temporal process's pid (its watchdog is the direct child). */
  pid?: number;
  /** Resolves when the server exits without stop() having been called. */
  died: Promise<{ code: number | null }>;
  stop(): Promise<void>;
}

/** Finds the Temporal CLI: $TEMPORAL_CLI, then Go's bin folder, then PATH. */
export function findTemporalCli(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const goBin = env.GOBIN || path.join(env.GOPATH || path.join(os.homedir(), 'go'), 'bin');
  const candidates = [env.TEMPORAL_CLI, path.join(goBin, 'temporal')];
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (dir) candidates.push(path.join(dir, 'temporal'));
  }
  return candidates.find((c): c is string => !!c && isExecutable(c));
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const executable = options.executable ?? findTemporalCli();
  if (!executable) {
    throw new Error(
      'Temporal CLI not found: run `npm run install-temporal` (needs Go) or set TEMPORAL_CLI to a temporal binary',
    );
  }
  const port = options.port || (await freePort());
  if (options.port && (await probe(`127.0.0.1:${port}`).catch(() => false))) {
    throw new Error(
      `a Temporal server this process did not start is already listening on 127.0.0.1:${port} (a dev server left by an earlier run?); stop it, or pass --temporal-address=127.0.0.1:${port} to use it`,
    );
  }
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port)];
  args.push('--log-level', 'error', '--log-format', 'json');
  let uiUrl: string | undefined;
  if (options.uiPort === undefined) {
    args.push('--headless');
  } else {
    const uiPort = options.uiPort || (await freePort());
    args.push('--ui-ip', '127.0.0.1', '--ui-port', String(uiPort));
    uiUrl = `http://localhost:${uiPort}`;
  }
  if (options.dbFile) {
    fs.mkdirSync(path.dirname(path.resolve(options.dbFile)), { recursive: true });
    args.push('--db-filename', options.dbFile);
  }
  for (const attr of SEARCH_ATTRIBUTE_REGISTRATIONS) args.push('--search-attribute', attr);
  for (const [key, value] of Object.entries(options.dynamicConfig ?? {})) {
    args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);
  }

  // Under the watchdog (devServerWatchdog.ts): it stops the server when our end of its stdin pipe
  // closes, which the kernel does when we exit, even by kill -9. Its own process group, so a
  // terminal's Ctrl-C reaches us first and we stop the server only after the worker has drained.
  const child = spawn(
    WATCHDOG_SHELL,
    ['-c', WATCHDOG_SCRIPT, 'jit-watcher-watchdog', executable, ...args],
    {
      stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
      detached: true,
    },
  );
  const pidPipe = child.stdio[3] as NodeJS.ReadableStream | null;
  let pid: number | undefined;
  pidPipe?.on('data', (chunk: Buffer) => (pid = Number(chunk.toString().trim()) || pid));
  let stopping = false;
  const died = new Promise<{ code: number | null }>((resolve) =>
    child.once('exit', (code) => {
      if (!stopping) resolve({ code });
    }),
  );
  const output: string[] = [];
  const remember = (chunk: Buffer): void => {
    output.push(chunk.toString());
    if (output.length > 50) output.shift();
  };
  child.stdout?.on('data', remember);
  child.stderr?.on('data', remember);
  let exited: number | null | undefined;
  child.on('exit', (code) => (exited = code));

  const address = `127.0.0.1:${port}`;
  try {
    await waitFor(
      async () => {
        if (exited !== undefined) {
          throw new StopWaiting(`temporal exited with code ${exited}: ${lastLine(output)}`);
        }
        return await probe(address);
      },
      { timeoutMs: STARTUP_TIMEOUT_MS, intervalMs: 100, what: `Temporal dev server on ${address}` },
    );
  } catch (err) {
    stopping = true;
    await stopChild(child);
    throw err;
  }
  options.log?.(`Temporal dev server listening on ${address}${uiUrl ? `, Web UI ${uiUrl}` : ''}`);
  const stop = (): Promise<void> => {
    stopping = true;
    return stopChild(child);
  };
  return { address, uiUrl, pid, died, stop };
}

/** True once the frontend answers and the default namespace is usable. */
async function probe(address: string): Promise<boolean> {
  const connection = await Connection.connect({ address, connectTimeout: 1000 });
  try {
    await connection.workflowService.describeNamespace({ namespace: 'default' });
    return true;
  } catch {
    return false;
  } finally {
    await connection.close();
  }
}

function lastLine(output: string[]): string {
  const lines = output.join('').trim().split('\n');
  return lines[lines.length - 1] ?? '';
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
