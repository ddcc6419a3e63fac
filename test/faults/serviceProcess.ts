// `jit-watcher run` as a real process for the fault suite: its own pid to kill -9, its JSON log
// lines to wait on, its /readyz to ask, and an optional skewed clock (libfaketime). The simulated
// cluster runs in the test process, so the test sees every state change Teleport would make.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { freePort } from '../../src/util/freePort';
import { StopWaiting, waitFor } from '../../src/util/waitFor';

const MAIN = path.join(__dirname, '..', '..', 'src', 'cli', 'main.ts');

export interface ServiceProcessOptions {
  proxyAddress: string;
  identityPath: string;
  /** Flags after -p and -i: --temporal-address, -poll-interval, ... */
  flags: string[];
  /** Runs the process with its clock shifted, e.g. '+13h' (libfaketime, Debian package faketime). */
  faketime?: string;
  env?: Record<string, string>;
  /** Wait for this log message before returning; default "worker polling". */
  readyMessage?: string;
}

export interface ServiceProcess {
  pid: number;
  metricsAddress: string;
  logs(): Array<Record<string, unknown>>;
  /** Everything written to stderr that is not a JSON line. */
  plainLines(): string[];
  waitForLog(
    match: (line: Record<string, unknown>) => boolean,
    what: string,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  /**
   * Waits for `check` while the service runs: stops at once if it exits, and a timeout names the
   * service's last lines, so a failure says what the service was doing.
   */
  waitWhileRunning(check: () => boolean, what: string, timeoutMs?: number): Promise<void>;
  probe(pathname: string): Promise<{ status: number; body: string }>;
  /** Exits with code and signal; resolves at once if already gone. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
}

export async function startServiceProcess(options: ServiceProcessOptions): Promise<ServiceProcess> {
  const metricsAddress = `127.0.0.1:${await freePort()}`;
  const args = [
    ...['--import', 'tsx', MAIN, 'run'],
    ...['-p', options.proxyAddress, '-i', options.identityPath],
    ...['--metrics-listen', metricsAddress],
    ...options.flags,
  ];
  // libfaketime preloaded into the service itself (not the `faketime` wrapper, which would stand
  // between us and the pid we signal); ld.so expands $LIB to the multiarch folder.
  const skew: Record<string, string> = options.faketime
    ? { LD_PRELOAD: '/usr/$LIB/faketime/libfaketime.so.1', FAKETIME: options.faketime }
    : {};
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...skew, ...options.env },
  });
  const lines: string[] = [];
  let partial = '';
  const collect = (chunk: Buffer): void => {
    const text = partial + chunk.toString();
    const parts = text.split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts.filter((l) => l.trim() !== ''));
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const service = handleFor(child, lines, metricsAddress, exited);
  const ready = options.readyMessage ?? 'worker polling';
  await service.waitForLog((l) => l.msg === ready, `the service to log "${ready}"`, 120_000);
  return service;
}

function handleFor(
  child: ChildProcess,
  lines: string[],
  metricsAddress: string,
  exited: ServiceProcess['exited'],
): ServiceProcess {
  const parsed = (): Array<Record<string, unknown>> =>
    lines.flatMap((l) => {
      try {
        return [JSON.parse(l) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  const tail = (): string => lines.slice(-8).join(' | ');
  const whileRunning = async (check: () => boolean, what: string, timeoutMs: number) => {
    await waitFor(
      () => {
        if (check()) return true;
        if (child.exitCode !== null || child.signalCode !== null)
          throw new StopWaiting(`the service exited before ${what}: ${tail()}`);
        return false;
      },
      { timeoutMs, intervalMs: 100, what },
    ).catch((err: Error) => {
      throw err instanceof StopWaiting ? err : new Error(`${err.message}; the service: ${tail()}`);
    });
  };
  return {
    pid: child.pid ?? 0,
    metricsAddress,
    logs: parsed,
    plainLines: () => lines.filter((l) => !l.startsWith('{')),
    waitForLog: async (match, what, timeoutMs = 60_000) => {
      await whileRunning(() => parsed().some(match), what, timeoutMs);
      return parsed().find(match) ?? {};
    },
    waitWhileRunning: (check, what, timeoutMs = 60_000) => whileRunning(check, what, timeoutMs),
    probe: async (pathname) => {
      const res = await fetch(`http://${metricsAddress}${pathname}`);
      return { status: res.status, body: await res.text() };
    },
    exited,
    kill: (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
}

/** Pids of live processes whose command line mentions `needle` (e.g. a unique database path). */
export function processesMentioning(needle: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (cmdline.includes(needle) && !/\) Z /.test(stat)) pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

/** Waits until no process mentions `needle`. */
export function waitForNoProcess(needle: string, what: string): Promise<true> {
  return waitFor(() => processesMentioning(needle).length === 0, {
    timeoutMs: 30_000,
    intervalMs: 100,
    what,
  });
}
