// `sim` admin commands: start a simulated cluster on loopback for demos, and poke a running one
// through its gRPC API with the admin identity (create-request, list, locks) or its CAs
// (issue-identity). The single error boundary of the sim CLI: every failure is one line.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { ResourceId } from '../../src/domain/accessRequest';
import { GrpcTeleportClient } from '../../src/teleport/client';
import { isTeleportError } from '../../src/teleport/errors';
import { parseIdentity } from '../../src/teleport/identityFile';
import {
  DEFAULT_DIR,
  list,
  parse,
  required,
  USAGE,
  UsageError,
  type FlagValues,
  type SimIo,
} from './cliArgs';
import { formatLocks, formatRequests } from './cliFormat';
import { parseGoDuration } from '../../src/config/duration';
import { loadAuthorities, readClusterFile, writeSecret } from './cliState';
import { start } from './cliStart';
import { issueIdentityFile } from './identityFile';

export type { SimIo } from './cliArgs';

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
    if (err instanceof UsageError) {
      io.stderr(`sim: ${err.message}\n${USAGE}`);
      return 2;
    }
    io.stderr(`sim ${command ?? ''}: ${describeError(err)}`);
    return 1;
  }
}

async function withAdmin<T>(
  dirFlag: FlagValues[string],
  fn: (client: GrpcTeleportClient, clusterName: string) => Promise<T>,
) {
  const dir = path.resolve(String(dirFlag ?? DEFAULT_DIR));
  const info = await readClusterFile(dir);
  const identityText = await fs.readFile(info.adminIdentity, 'utf8');
  const client = await GrpcTeleportClient.connect({
    address: info.authAddress,
    identity: parseIdentity(identityText, info.adminIdentity, new Date()),
  });
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
    io.stdout(`created access request ${created.id} for ${user} (${created.state})`);
    return 0;
  });
}

async function listRequests(rest: string[], io: SimIo): Promise<number> {
  const v = parse(rest, {});
  return withAdmin(v.dir, async (client) => {
    io.stdout(formatRequests(await client.listAccessRequests()));
    return 0;
  });
}

async function listLocks(rest: string[], io: SimIo): Promise<number> {
  const v = parse(rest, {});
  return withAdmin(v.dir, async (client) => {
    io.stdout(formatLocks(await client.getLocks()));
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
  const ttlMs = parseGoDuration(String(v.ttl ?? '1h'), { days: true });
  if (ttlMs === undefined || ttlMs <= 0)
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

/** One line for a failed call: Teleport's kind and message, as `tctl` prints them. */
function describeError(err: unknown): string {
  if (isTeleportError(err)) return `${err.kind}: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}
