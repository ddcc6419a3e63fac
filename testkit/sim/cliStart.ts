// `sim start`: runs a simulated cluster on loopback until SIGINT/SIGTERM (or the caller's abort
// signal), leaving identities, CAs and cluster.json in a directory for other processes. It
// removes cluster.json on the way out so nobody dials a cluster that is gone.
import * as path from 'node:path';
import { DEFAULT_DIR, parse, UsageError, type SimIo } from './cliArgs';
import {
  removeClusterFile,
  STATE_FILES,
  writeAuthorities,
  writeClusterFile,
  writeSecret,
} from './cliState';
import { startSimCluster } from './cluster';

/** The identities `sim start` writes last a day: a demo has no tbot to renew them. */
const START_IDENTITY_TTL_MS = 24 * 60 * 60 * 1000;

export async function start(rest: string[], io: SimIo): Promise<number> {
  const v = parse(rest, {
    'auth-port': { type: 'string' },
    'proxy-port': { type: 'string' },
    cluster: { type: 'string' },
    'no-list-access-requests': { type: 'boolean' },
  });
  const dir = path.resolve(String(v.dir ?? DEFAULT_DIR));
  const port = (flag: string) => {
    const raw = v[flag];
    if (raw === undefined) return 0;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0 || n > 65535)
      throw new UsageError(`--${flag} must be a port number`);
    return n;
  };
  const cluster = await startSimCluster({
    clusterName: typeof v.cluster === 'string' ? v.cluster : undefined,
    authPort: port('auth-port'),
    proxyPort: port('proxy-port'),
    listAccessRequests: v['no-list-access-requests'] !== true,
  });
  try {
    const admin = path.join(dir, STATE_FILES.admin);
    const watcher = path.join(dir, STATE_FILES.watcher);
    const writeIdentity = async (file: string, user: string, role: string) =>
      writeSecret(
        file,
        await cluster.issueIdentity({ user, roles: [role], ttlMs: START_IDENTITY_TTL_MS }),
      );
    await writeIdentity(admin, 'admin', 'editor');
    await writeIdentity(watcher, 'jit-watcher', 'jit-watcher');
    await writeAuthorities(dir, cluster.authorities);
    await writeClusterFile(dir, {
      clusterName: cluster.clusterName,
      authAddress: cluster.authAddress,
      proxyAddress: cluster.proxyAddress,
      adminIdentity: admin,
      watcherIdentity: watcher,
      pid: process.pid,
      startedAt: new Date().toISOString(),
    });
    io.stdout(
      [
        `sim cluster ${cluster.clusterName} is running`,
        `  auth (direct mTLS)     ${cluster.authAddress}`,
        `  proxy (TLS routing)    ${cluster.proxyAddress}`,
        `  admin identity         ${admin}  (role editor)`,
        `  jit-watcher identity   ${watcher}  (role jit-watcher)`,
        `  cluster file           ${path.join(dir, STATE_FILES.cluster)}`,
        'stop with Ctrl-C',
      ].join('\n'),
    );
    await untilStopped(io.signal);
  } finally {
    await cluster.stop();
    await removeClusterFile(dir);
  }
  io.stdout('sim cluster stopped');
  return 0;
}

function untilStopped(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal) {
      if (signal.aborted) return resolve();
      signal.addEventListener('abort', () => resolve(), { once: true });
      return;
    }
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}
