// The Temporal server as production runs it: the binary built from go.temporal.io/server by
// temporal/install-server.sh, on PostgreSQL, configured by temporal/server-config.yaml, its
// databases made by temporal/setup-postgres-schema.sh and its namespace and search attributes by
// temporal/register-search-attributes.sh: the scripts docker-compose.yml runs. Supervised like a
// systemd unit: if it dies (a test kills it), it is started again on the same ports and data.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Connection } from '@temporalio/client';
import { findTemporalCli } from '../../../src/temporal/devServer';
import { freePort } from '../../../src/util/freePort';
import { StopWaiting, waitFor } from '../../../src/util/waitFor';
import { DB_PASSWORD, DB_USER, type Postgres } from './postgres';
import { SERVER_VERSION, type ServerBinaries } from './serverBinaries';
import { keepOutput, killOnExit, runToEnd, stopProcess, type KeptOutput } from './processes';

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

export interface TemporalServer {
  address: string;
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
  };
  for (const service of SERVICES) {
    env[`${service}_GRPC_PORT`] = String(await freePort());
    // The membership table stores ports as smallint: an ephemeral port (>= 32768) kills the server.
    env[`${service}_MEMBERSHIP_PORT`] = String(await freePortBelow(32_768));
  }
  env.FRONTEND_HTTP_PORT = String(await freePort());
  const address = `127.0.0.1:${env.FRONTEND_GRPC_PORT}`;
  const args = [
    '--config-file',
    path.join(REPO, 'temporal', 'server-config.yaml'),
    '--allow-no-auth',
    'start',
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
        return await frontendAnswers(address);
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
        return await systemAnswers(address);
      },
      {
        timeoutMs: READY_TIMEOUT_MS,
        intervalMs: 250,
        what: `the Temporal server to listen on ${address}`,
      },
    );
    await registerSearchAttributes(address);
    await ready();
  } catch (err) {
    await stop();
    throw err;
  }
  log(`Temporal server ${SERVER_VERSION} on ${address} (PostgreSQL 127.0.0.1:${pg.port})`);
  return { address, pid: () => child?.pid, ready, stop };
}

/** The namespace and search attributes, by the script compose runs (with the Temporal CLI). */
async function registerSearchAttributes(address: string): Promise<void> {
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

async function systemAnswers(address: string): Promise<boolean> {
  return withConnection(address, async (c) => {
    await c.workflowService.getSystemInfo({});
    return true;
  });
}

async function frontendAnswers(address: string): Promise<boolean> {
  return withConnection(address, async (c) => {
    await c.workflowService.describeNamespace({ namespace: 'default' });
    const attrs = await c.operatorService.listSearchAttributes({ namespace: 'default' });
    return 'JitUsers' in (attrs.customAttributes ?? {});
  });
}

async function withConnection(
  address: string,
  probe: (c: Connection) => Promise<boolean>,
): Promise<boolean> {
  const connection = await Connection.connect({ address, connectTimeout: 1000 });
  try {
    return await probe(connection);
  } catch {
    return false;
  } finally {
    await connection.close();
  }
}
