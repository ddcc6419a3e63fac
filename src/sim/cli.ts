// `sim` admin commands: start a simulated cluster on loopback for demos, and poke a running one
// through its gRPC API with the admin identity (create-request, list, locks) or its CAs
// (issue-identity). The single error boundary of the sim CLI: every failure is one line.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { ResourceId } from '../domain/accessRequest';
import { startSimCluster } from './cluster';
import { connectAdmin, describeRpcError } from './cliRpc';
import {
  loadAuthorities,
  readClusterFile,
  removeClusterFile,
  STATE_FILES,
  writeAuthorities,
  writeClusterFile,
  writeSecret,
} from './cliState';
import { formatLocks, formatRequests, parseDuration } from './cliFormat';
import { issueIdentityFile } from './identityFile';

export interface SimIo {
  stdout(line: string): void;
  stderr(line: string): void;
  /** Ends `sim start`; without it, SIGINT/SIGTERM do. */
  signal?: AbortSignal;
}

/** The identities `sim start` writes last a day: a demo has no tbot to renew them. */
const START_IDENTITY_TTL_MS = 24 * 60 * 60 * 1000;
const DEFAULT_DIR = '.sim';
const USAGE = [
  'usage: sim start [--auth-port N] [--proxy-port N] [--dir DIR] [--cluster NAME] [--no-list-access-requests]',
  '       sim create-request --user U --roles r1,r2 [--resources kind/name,...] [--reason R] [--dir DIR]',
  '       sim list [--dir DIR]',
  '       sim locks [--dir DIR]',
  '       sim issue-identity --user U --roles r1,r2 [--ttl 1h] [--requests id,...] --out FILE [--dir DIR]',
].join('\n');

class UsageError extends Error {}

const list = (v: string | undefined) =>
  (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
const required = (v: string | undefined, flag: string) => {
  if (!v) throw new UsageError(`missing required flag --${flag}`);
  return v;
};

/** Runs one sim command; resolves with the exit code. `argv` may start with "sim". */
export async function simCommand(argv: string[], io: SimIo): Promise<number> {
  const args = argv[0] === 'sim' ? argv.slice(1) : argv;
  const [command, ...rest] = args;
  try {
    switch (command) {
      case 'start':
        return await start(rest, io);
      case 'create-request':
        return await createRequest(rest, io);
      case 'list':
        return await listRequests(rest, io);
      case 'locks':
        return await listLocks(rest, io);
      case 'issue-identity':
        return await issueIdentity(rest, io);
      default:
        throw new UsageError(command ? `unknown command "${command}"` : 'missing command');
    }
  } catch (err) {
    if (
      err instanceof UsageError ||
      (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
    ) {
      io.stderr(`sim: ${(err as Error).message}\n${USAGE}`);
      return 2;
    }
    io.stderr(`sim ${command ?? ''}: ${describeRpcError(err)}`);
    return 1;
  }
}

type Flags = Record<string, { type: 'string' | 'boolean' }>;
type FlagValues = Record<string, string | boolean | undefined>;

/** Flags of one command (every command takes --dir); unknown flags are usage errors. */
function parse(rest: string[], options: Flags): FlagValues {
  const config = {
    args: rest,
    options: { dir: { type: 'string' as const }, ...options },
    strict: true,
  };
  return parseArgs(config).values;
}

async function start(rest: string[], io: SimIo): Promise<number> {
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
    await writeSecret(
      admin,
      await cluster.issueIdentity({
        user: 'admin',
        roles: ['editor'],
        ttlMs: START_IDENTITY_TTL_MS,
      }),
    );
    await writeSecret(
      watcher,
      await cluster.issueIdentity({
        user: 'jit-watcher',
        roles: ['jit-watcher'],
        ttlMs: START_IDENTITY_TTL_MS,
      }),
    );
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

async function withAdmin<T>(
  dirFlag: string | boolean | undefined,
  fn: (client: ReturnType<typeof connectAdmin>, clusterName: string) => Promise<T>,
) {
  const dir = path.resolve(String(dirFlag ?? DEFAULT_DIR));
  const info = await readClusterFile(dir);
  const client = connectAdmin(info.authAddress, await fs.readFile(info.adminIdentity, 'utf8'));
  try {
    return await fn(client, info.clusterName);
  } finally {
    client.close();
  }
}

/** `kind/name[/sub]`, e.g. node/web-1, in the sim's own cluster. */
function parseResource(text: string, clusterName: string): ResourceId {
  const [kind, name, sub] = text.split('/');
  if (!kind || !name) throw new UsageError(`resource "${text}" must look like kind/name`);
  return { clusterName, kind, name, ...(sub ? { subResourceName: sub } : {}) };
}

async function createRequest(rest: string[], io: SimIo): Promise<number> {
  const v = parse(rest, {
    user: { type: 'string' },
    roles: { type: 'string' },
    resources: { type: 'string' },
    reason: { type: 'string' },
  });
  const user = required(v.user as string | undefined, 'user');
  return withAdmin(v.dir, async (client, clusterName) => {
    const created = await client.createRequest({
      user,
      roles: list(v.roles as string | undefined),
      resources: list(v.resources as string | undefined).map((r) => parseResource(r, clusterName)),
      reason: String(v.reason ?? ''),
    });
    io.stdout(
      `created access request ${created.Metadata?.Name ?? '?'} for ${user} (${created.Spec?.State ?? '?'})`,
    );
    return 0;
  });
}

async function listRequests(rest: string[], io: SimIo): Promise<number> {
  const v = parse(rest, {});
  return withAdmin(v.dir, async (client) => {
    io.stdout(formatRequests(await client.listRequests()));
    return 0;
  });
}

async function listLocks(rest: string[], io: SimIo): Promise<number> {
  const v = parse(rest, {});
  return withAdmin(v.dir, async (client) => {
    io.stdout(formatLocks(await client.listLocks()));
    return 0;
  });
}

async function issueIdentity(rest: string[], io: SimIo): Promise<number> {
  const v = parse(rest, {
    user: { type: 'string' },
    roles: { type: 'string' },
    ttl: { type: 'string' },
    requests: { type: 'string' },
    out: { type: 'string' },
  });
  const user = required(v.user as string | undefined, 'user');
  const out = path.resolve(required(v.out as string | undefined, 'out'));
  const ttlMs = parseDuration(String(v.ttl ?? '1h'));
  if (ttlMs === undefined)
    throw new UsageError(`--ttl "${String(v.ttl)}" is not a duration like 1h or 30m`);
  const dir = path.resolve(String(v.dir ?? DEFAULT_DIR));
  const info = await readClusterFile(dir);
  const text = await issueIdentityFile(await loadAuthorities(dir, info.clusterName), {
    user,
    roles: list(v.roles as string | undefined),
    activeRequests: list(v.requests as string | undefined),
    ttlMs,
  });
  await writeSecret(out, text);
  io.stdout(
    `wrote ${out} (user ${user}, valid until ${new Date(Date.now() + ttlMs).toISOString()})`,
  );
  return 0;
}
