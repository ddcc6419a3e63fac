// The Temporal server as production runs it: the binary built from go.temporal.io/server by
// temporal/install-server.sh, on PostgreSQL, configured by temporal/server-config.yaml, its
// databases made by temporal/setup-postgres-schema.sh and its namespace and search attributes by
// temporal/register-search-attributes.sh: the scripts docker-compose.yml runs. Supervised like a
// systemd unit: if it dies (a test kills it), it is started again on the same ports and data.
// Its frontend can require client certificates (mTLS) or API keys, as production clusters do; the
// setup tools and probes then present an admin certificate or token.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Connection, type TLSConfig } from '@temporalio/client';
import { findTemporalCli } from '../../../src/temporal/devServer';
import { freePort } from '../../../src/util/freePort';
import { StopWaiting, waitFor } from '../../../src/util/waitFor';
import { DB_PASSWORD, DB_USER, type Postgres } from './postgres';
import { SERVER_VERSION, type ServerBinaries } from './serverBinaries';
import { keepOutput, killOnExit, runToEnd, stopProcess, type KeptOutput } from './processes';
import { FRONTEND_SERVER_NAME, type CertFiles, type TemporalPki } from './temporalPki';

const REPO = path.join(__dirname, '..', '..', '..');
const READY_TIMEOUT_MS = 120_000; // the first start creates the system namespace and shards
const MAX_RESTARTS = 5; // a server that keeps dying is a failure, not something to retry forever
const SERVICES = ['FRONTEND', 'MATCHING', 'HISTORY', 'WORKER'] as const;

/** The connection settings docker-compose.yml gives the schema tool and the server image. */
function databaseEnv(pg: Postgres): NodeJS.ProcessEnv {
  return {
    SQL_PLUGIN: 'postgres12',
    SQL_HOST: pg.host,
    SQL_PORT: String(pg.port),
    SQL_USER: DB_USER,
    SQL_PASSWORD: DB_PASSWORD,
    DB: 'postgres12',
    DB_PORT: String(pg.port),
    POSTGRES_SEEDS: pg.host,
    POSTGRES_USER: DB_USER,
    POSTGRES_PWD: DB_PASSWORD,
  };
}

export async function setupSchema(pg: Postgres, bins: ServerBinaries): Promise<void> {
  await runToEnd('sh', [path.join(REPO, 'temporal', 'setup-postgres-schema.sh')], {
    env: {
      ...process.env,
      ...databaseEnv(pg),
      TEMPORAL_SQL_TOOL: bins.sql,
      TEMPORAL_SCHEMA_DIR: bins.schemaDir,
    },
  });
}

/** How a client reaches the frontend: TLS trust and identity, or an API key. */
export interface FrontendCredentials {
  caFile?: string;
  serverName?: string;
  client?: CertFiles;
  apiKey?: string;
}

export interface TemporalServer {
  address: string;
  /** What the setup tools used: an admin client's credentials (none on a plain server). */
  admin: FrontendCredentials;
  /** The running server's process id (changes when it is restarted). */
  pid(): number | undefined;
  /** Resolves once the frontend answers for the default namespace. */
  ready(): Promise<void>;
  stop(): Promise<void>;
}

export interface ServerOptions {
  /** Dynamic config values added to temporal/dynamicconfig/compose.yaml's. */
  dynamicConfig?: Record<string, number | boolean | string>;
  log?: (line: string) => void;
  /** TLS on the frontend with these certificates; client certificates required unless false. */
  tls?: { pki: TemporalPki; requireClientAuth: boolean };
  /** API keys checked against this JWKS URL; `adminToken` is what the setup tools present. */
  jwt?: { keySourceUrl: string; adminToken: string };
}

/** The server's TLS and authorization settings, as server-config.yaml reads them. */
function securityEnv(options: ServerOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  if (options.tls) {
    const { pki, requireClientAuth } = options.tls;
    Object.assign(env, {
      TEMPORAL_TLS_FRONTEND_CERT: pki.frontend.cert,
      TEMPORAL_TLS_FRONTEND_KEY: pki.frontend.key,
      TEMPORAL_TLS_REQUIRE_CLIENT_AUTH: String(requireClientAuth),
      TEMPORAL_TLS_CLIENT_CA_CERT: pki.caFile,
      TEMPORAL_TLS_WORKER_CERT: pki.systemWorker.cert,
      TEMPORAL_TLS_WORKER_KEY: pki.systemWorker.key,
      TEMPORAL_TLS_SERVER_CA_CERT: pki.caFile,
      TEMPORAL_TLS_FRONTEND_SERVER_NAME: FRONTEND_SERVER_NAME,
    });
  }
  if (options.jwt) env.TEMPORAL_JWT_KEY_SOURCE = options.jwt.keySourceUrl;
  return env;
}

function adminCredentials(options: ServerOptions): FrontendCredentials {
  const admin: FrontendCredentials = {};
  if (options.tls) {
    admin.caFile = options.tls.pki.caFile;
    admin.serverName = FRONTEND_SERVER_NAME;
    if (options.tls.requireClientAuth) admin.client = options.tls.pki.admin;
  }
  if (options.jwt) admin.apiKey = options.jwt.adminToken;
  return admin;
}

export async function startTemporalServer(
  pg: Postgres,
  bins: ServerBinaries,
  options: ServerOptions = {},
): Promise<TemporalServer> {
  const log = options.log ?? (() => {});
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jit-temporal-'));
  const dynamicConfigFile = path.join(dir, 'dynamicconfig.yaml');
  fs.writeFileSync(dynamicConfigFile, dynamicConfigYaml(options.dynamicConfig ?? {}));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...databaseEnv(pg),
    BIND_ON_IP: '127.0.0.1',
    DYNAMIC_CONFIG_FILE_PATH: dynamicConfigFile,
    ...securityEnv(options),
  };
  // With API keys the system worker has no token: it goes through the internal frontend.
  const services: string[] = [...SERVICES, ...(options.jwt ? ['INTERNAL_FRONTEND'] : [])];
  for (const service of services) {
    env[`${service}_GRPC_PORT`] = String(await freePort());
    // The membership table stores ports as smallint: an ephemeral port (>= 32768) kills the server.
    env[`${service}_MEMBERSHIP_PORT`] = String(await freePortBelow(32_768));
  }
  env.FRONTEND_HTTP_PORT = String(await freePort());
  if (options.jwt) env.INTERNAL_FRONTEND_HTTP_PORT = String(await freePort());
  const address = `127.0.0.1:${env.FRONTEND_GRPC_PORT}`;
  const admin = adminCredentials(options);
  const args = [
    ...['--config-file', path.join(REPO, 'temporal', 'server-config.yaml')],
    ...(options.jwt ? [] : ['--allow-no-auth']),
    'start',
    ...services.flatMap((s) => ['--service', s.toLowerCase().replace('_', '-')]),
  ];

  let child: ChildProcess | undefined;
  let output: KeptOutput | undefined;
  let stopping = false;
  let restarts = 0;
  let failure: string | undefined;
  const launch = (): void => {
    const proc = spawn(bins.server, args, { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
    killOnExit(proc);
    output = keepOutput(proc);
    child = proc;
    proc.once('exit', (code, signal) => {
      if (stopping) return;
      if (restarts >= MAX_RESTARTS) {
        failure = `the Temporal server exited (${signal ?? code}) ${restarts + 1} times: ${output?.tail()}`;
        return;
      }
      restarts++;
      log(`Temporal server exited (${signal ?? `code ${code}`}); starting it again`);
      launch();
    });
  };
  launch();

  const ready = (): Promise<void> =>
    waitFor(
      async () => {
        if (failure) throw new StopWaiting(failure);
        return await frontendAnswers(address, admin);
      },
      {
        timeoutMs: READY_TIMEOUT_MS,
        intervalMs: 250,
        what: `the Temporal server on ${address} (${output?.tail(2)})`,
      },
    ).then(() => undefined);
  const stop = async (): Promise<void> => {
    stopping = true;
    if (child) await stopProcess(child, 'SIGTERM', 20_000);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      async () => {
        if (failure) throw new StopWaiting(failure);
        return await systemAnswers(address, admin);
      },
      {
        timeoutMs: READY_TIMEOUT_MS,
        intervalMs: 250,
        what: `the Temporal server to listen on ${address}`,
      },
    );
    await registerSearchAttributes(address, admin);
    await ready();
  } catch (err) {
    await stop();
    throw err;
  }
  log(`Temporal server ${SERVER_VERSION} on ${address} (PostgreSQL 127.0.0.1:${pg.port})`);
  return { address, admin, pid: () => child?.pid, ready, stop };
}

/** The namespace and search attributes, by the script compose runs (with the Temporal CLI). */
async function registerSearchAttributes(
  address: string,
  admin: FrontendCredentials,
): Promise<void> {
  const cli = findTemporalCli();
  if (!cli)
    throw new Error(
      'Temporal CLI not found: run `npm run install-temporal` (register-search-attributes.sh uses it)',
    );
  await runToEnd(
    'sh',
    [path.join(REPO, 'temporal', 'register-search-attributes.sh'), '--create-namespace'],
    {
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: address,
        TEMPORAL_NAMESPACE: 'default',
        ...cliCredentialsEnv(admin),
        PATH: `${path.dirname(cli)}${path.delimiter}${process.env.PATH ?? ''}`,
      },
      timeoutMs: 180_000,
    },
  );
}

/** A free loopback port in [20000, limit), found by binding random ones (bounded tries). */
async function freePortBelow(limit: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * (limit - 20_000));
    const free = await new Promise<boolean>((resolve) => {
      const server = net.createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error(`no free port below ${limit} on 127.0.0.1 after 50 tries`);
}

function dynamicConfigYaml(extra: Record<string, number | boolean | string>): string {
  const base = fs.readFileSync(
    path.join(REPO, 'temporal', 'dynamicconfig', 'compose.yaml'),
    'utf8',
  );
  const lines = Object.entries(extra).map(
    ([key, value]) => `${key}:\n  - value: ${JSON.stringify(value)}\n    constraints: {}\n`,
  );
  return `${base}\n# added by the test harness\n${lines.join('')}`;
}

/** The temporal CLI's own environment variables for TLS and API keys. */
function cliCredentialsEnv(credentials: FrontendCredentials): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  if (credentials.caFile) env.TEMPORAL_TLS_CA = credentials.caFile;
  if (credentials.serverName) env.TEMPORAL_TLS_SERVER_NAME = credentials.serverName;
  if (credentials.client) {
    env.TEMPORAL_TLS_CERT = credentials.client.cert;
    env.TEMPORAL_TLS_KEY = credentials.client.key;
  }
  if (credentials.apiKey) env.TEMPORAL_API_KEY = credentials.apiKey;
  return env;
}

/** The SDK connection options for these credentials (files read here, never logged). */
export function connectionOptions(
  address: string,
  credentials: FrontendCredentials,
): { address: string; tls?: TLSConfig; apiKey?: string } {
  const options: { address: string; tls?: TLSConfig; apiKey?: string } = { address };
  if (credentials.caFile || credentials.client) {
    options.tls = {
      ...(credentials.serverName ? { serverNameOverride: credentials.serverName } : {}),
      ...(credentials.caFile
        ? { serverRootCACertificate: fs.readFileSync(credentials.caFile) }
        : {}),
      ...(credentials.client
        ? {
            clientCertPair: {
              crt: fs.readFileSync(credentials.client.cert),
              key: fs.readFileSync(credentials.client.key),
            },
          }
        : {}),
    };
  }
  if (credentials.apiKey) options.apiKey = credentials.apiKey;
  return options;
}

async function systemAnswers(address: string, admin: FrontendCredentials): Promise<boolean> {
  return withConnection(address, admin, async (c) => {
    await c.workflowService.getSystemInfo({});
    return true;
  });
}

async function frontendAnswers(address: string, admin: FrontendCredentials): Promise<boolean> {
  return withConnection(address, admin, async (c) => {
    await c.workflowService.describeNamespace({ namespace: 'default' });
    const attrs = await c.operatorService.listSearchAttributes({ namespace: 'default' });
    return 'JitUsers' in (attrs.customAttributes ?? {});
  });
}

async function withConnection(
  address: string,
  admin: FrontendCredentials,
  probe: (c: Connection) => Promise<boolean>,
): Promise<boolean> {
  let connection: Connection;
  try {
    connection = await Connection.connect({
      ...connectionOptions(address, admin),
      connectTimeout: 1000,
    });
  } catch {
    return false; // not listening yet
  }
  try {
    return await probe(connection);
  } catch {
    return false;
  } finally {
    await connection.close();
  }
}
