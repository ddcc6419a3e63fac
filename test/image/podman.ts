// The built image as a running container, for test/image: podman on the local vfs store that
// scripts/image/build.sh builds into (found by the rule scripts/image/lib.sh writes down), the
// container's JSON log lines to wait on, its host pid to inspect, and a stop that always runs.
import { execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { StopWaiting, waitFor } from '../../src/util/waitFor';

/** The image build.sh makes (JIT_IMAGE there and here). */
export const IMAGE = process.env.JIT_IMAGE ?? 'localhost/jit-watcher:dev';

const storeHome =
  process.env.JIT_IMAGE_HOME ??
  path.join(
    process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'),
    'jit-watcher',
    'containers',
  );

/** podman's environment: the store and engine settings lib.sh wrote, unless set already. */
const podmanEnv: NodeJS.ProcessEnv = {
  ...process.env,
  CONTAINERS_STORAGE_CONF:
    process.env.CONTAINERS_STORAGE_CONF ?? path.join(storeHome, 'storage.conf'),
  CONTAINERS_CONF: process.env.CONTAINERS_CONF ?? path.join(storeHome, 'containers.conf'),
};

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs one podman command to its end (bounded); never throws for a non-zero exit. */
export function podman(args: string[], timeoutMs = 60_000): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      'podman',
      args,
      { env: podmanEnv, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr: stderr || (err?.message ?? '') });
      },
    );
  });
}

/** One clear line when the image cannot be run here, instead of a failure deep in a test. */
export async function requireImage(): Promise<void> {
  if (!fs.existsSync(podmanEnv.CONTAINERS_STORAGE_CONF ?? '')) {
    throw new Error(
      `no image store at ${storeHome}: build the image first with bash scripts/image/build.sh (as root)`,
    );
  }
  const found = await podman(['image', 'exists', IMAGE]);
  if (found.code !== 0) {
    throw new Error(
      `image ${IMAGE} not found (${found.stderr.trim() || `podman exit ${found.code}`}): build it with bash scripts/image/build.sh`,
    );
  }
}

export interface Container {
  name: string;
  logs(): Array<Record<string, unknown>>;
  /** Everything the container wrote that is not a JSON log line. */
  plainLines(): string[];
  waitForLog(
    match: (line: Record<string, unknown>) => boolean,
    what: string,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  /** The container's first process as the host sees it. */
  hostPid(): Promise<number>;
  exec(command: string[]): Promise<Result>;
  /** SIGTERM, as a kubelet stops a pod; resolves with the exit code. */
  stop(): Promise<number | null>;
}

export interface RunOptions {
  name: string;
  /** podman run flags before the image: --read-only, -v, -e, ... */
  flags: string[];
  /** Arguments after the image (the entry point's). */
  args: string[];
}

/** `podman run` in the foreground, its output collected; returns once the container is running. */
export async function runContainer(options: RunOptions): Promise<Container> {
  const child = spawn(
    'podman',
    ['run', '--rm', '--name', options.name, ...options.flags, IMAGE, ...options.args],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: podmanEnv,
    },
  );
  const lines: string[] = [];
  let partial = '';
  const collect = (chunk: Buffer): void => {
    const parts = (partial + chunk.toString()).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts.filter((l) => l.trim() !== ''));
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const gone = (): boolean => child.exitCode !== null || child.signalCode !== null;
  const parsed = (): Array<Record<string, unknown>> =>
    lines.flatMap((l) => {
      try {
        return [JSON.parse(l) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  const container: Container = {
    name: options.name,
    logs: parsed,
    plainLines: () => lines.filter((l) => !l.startsWith('{')),
    waitForLog: (match, what, timeoutMs = 60_000) =>
      waitFor(
        () => {
          const found = parsed().find(match);
          if (found) return found;
          if (gone()) {
            throw new StopWaiting(
              `the container exited before ${what}: ${lines.slice(-5).join(' | ')}`,
            );
          }
          return undefined;
        },
        { timeoutMs, intervalMs: 100, what },
      ),
    hostPid: async () => {
      const r = await podman(['inspect', '--format', '{{.State.Pid}}', options.name]);
      const pid = Number(r.stdout.trim());
      if (r.code !== 0 || !(pid > 0))
        throw new Error(`no pid for ${options.name}: ${r.stderr.trim()}`);
      return pid;
    },
    exec: (command) => podman(['exec', options.name, ...command]),
    stop: async () => {
      if (!gone()) await podman(['stop', '--time', '30', options.name], 60_000);
      // podman stop returns once the container is gone; the foreground `podman run` follows.
      const { code } = await waitFor(() => gone() && { code: child.exitCode }, {
        timeoutMs: 30_000,
        what: 'podman run to exit',
      });
      await podman(['rm', '--force', '--ignore', options.name]);
      return code;
    },
  };
  await waitFor(
    async () => {
      if (gone()) {
        throw new StopWaiting(`the container exited at once: ${lines.slice(-5).join(' | ')}`);
      }
      const r = await podman(['inspect', '--format', '{{.State.Running}}', options.name]);
      return r.stdout.trim() === 'true';
    },
    { timeoutMs: 60_000, intervalMs: 200, what: `container ${options.name} to run` },
  );
  return container;
}
