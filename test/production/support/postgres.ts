// A throwaway PostgreSQL cluster for the production suite and the benches: initdb in a temp folder,
// one postmaster on a free 127.0.0.1 port, a `temporal` role with a password (as docker-compose.yml
// makes), stopped and removed at the end. PostgreSQL refuses to run as root, so when we are root
// (CI) its programs run as the `postgres` user that Debian's package creates.
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from '../../../src/util/freePort';
import { StopWaiting, waitFor } from '../../../src/util/waitFor';
import { keepOutput, killOnExit, runToEnd, stopProcess } from './processes';

const STARTUP_TIMEOUT_MS = 60_000;
export const DB_USER = 'temporal';
export const DB_PASSWORD = 'temporal'; // a loopback-only throwaway cluster, as compose's default

export interface Postgres {
  host: string;
  port: number;
  stop(): Promise<void>;
}

/** The newest /usr/lib/postgresql/<major>/bin (Debian's layout), or $JIT_TEST_POSTGRES_BIN. */
export function findPostgresBin(env: NodeJS.ProcessEnv = process.env): string {
  if (env.JIT_TEST_POSTGRES_BIN) return env.JIT_TEST_POSTGRES_BIN;
  const root = '/usr/lib/postgresql';
  const majors = fs.existsSync(root)
    ? fs.readdirSync(root).filter((m) => fs.existsSync(path.join(root, m, 'bin', 'initdb')))
    : [];
  const newest = majors.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest) {
    throw new Error(
      'PostgreSQL not found in /usr/lib/postgresql: run `npm run install-temporal-server` (installs it from Debian packages) or set JIT_TEST_POSTGRES_BIN',
    );
  }
  return path.join(root, newest, 'bin');
}

/** uid/gid to run PostgreSQL as: ours, unless we are root (then the `postgres` user's). */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    return { uid, gid };
  } catch {
    throw new Error(
      "running as root, and PostgreSQL refuses root: no `postgres` user to run it as (Debian's postgresql package creates one)",
    );
  }
}

export async function startPostgres(log: (line: string) => void = () => {}): Promise<Postgres> {
  const bin = findPostgresBin();
  const user = runAs();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jit-pg-'));
  if (user) fs.chownSync(dir, user.uid, user.gid);
  const data = path.join(dir, 'data');

  const asPostgres = { ...(user ?? {}), env: { ...process.env, LC_ALL: 'C.UTF-8' } };
  // Trust on the private unix socket (to create the role), passwords on TCP, as a real server.
  await runToEnd(
    path.join(bin, 'initdb'),
    [
      '-D',
      data,
      '-U',
      'postgres',
      '-E',
      'UTF8',
      '--auth-local=trust',
      '--auth-host=scram-sha-256',
      '--no-instructions',
    ],
    asPostgres,
  );

  const port = await freePort();
  const child = spawn(
    path.join(bin, 'postgres'),
    [
      '-D',
      data,
      '-h',
      '127.0.0.1',
      '-p',
      String(port),
      '-k',
      dir,
      '-c',
      'fsync=off',
      '-c',
      'max_connections=200',
    ],
    { ...asPostgres, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  killOnExit(child);
  const output = keepOutput(child);
  const stop = async (): Promise<void> => {
    // SIGINT is PostgreSQL's "fast" shutdown: sessions rolled back, no waiting for clients.
    await stopProcess(child, 'SIGINT', 15_000);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new StopWaiting(`postgres exited: ${output.tail()}`);
        await runToEnd(path.join(bin, 'pg_isready'), ['-h', dir, '-p', String(port)], asPostgres);
        return true;
      },
      { timeoutMs: STARTUP_TIMEOUT_MS, intervalMs: 200, what: `PostgreSQL on 127.0.0.1:${port}` },
    );
    await runToEnd(
      path.join(bin, 'psql'),
      [
        '-h',
        dir,
        '-p',
        String(port),
        '-U',
        'postgres',
        '-v',
        'ON_ERROR_STOP=1',
        '-q',
        '-c',
        `CREATE ROLE ${DB_USER} LOGIN SUPERUSER PASSWORD '${DB_PASSWORD}'`,
      ],
      asPostgres,
    );
  } catch (err) {
    await stop();
    throw err;
  }
  log(`PostgreSQL ${path.basename(path.dirname(bin))} on 127.0.0.1:${port} (${data})`);
  return { host: '127.0.0.1', port, stop };
}
