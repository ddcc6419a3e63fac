// Where the production topology's programs are: the server and SQL tool that
// temporal/install-server.sh built with `go install`, and the PostgreSQL schema from the module
// source that install fetched. A missing build fails at once with the command that makes it.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const SERVER_VERSION = '1.32.2'; // temporal/install-server.sh builds this one

export interface ServerBinaries {
  server: string;
  sql: string;
  schemaDir: string;
}

/** The built server and SQL tool, and the schema from the module source `go install` fetched. */
export function findServerBinaries(env: NodeJS.ProcessEnv = process.env): ServerBinaries {
  const gopath = env.GOPATH || path.join(os.homedir(), 'go');
  const binDir = env.TEMPORAL_SERVER_BIN_DIR || path.join(gopath, 'bin-server');
  const server = path.join(binDir, 'server');
  const sql = path.join(binDir, 'sql');
  if (!fs.existsSync(server) || !fs.existsSync(sql)) {
    throw new Error(
      `Temporal server ${SERVER_VERSION} not built in ${binDir}: run \`npm run install-temporal-server\` (go install, about 8 minutes the first time) or set TEMPORAL_SERVER_BIN_DIR`,
    );
  }
  const schemaDir =
    env.TEMPORAL_SCHEMA_DIR ||
    path.join(
      modCache(gopath),
      `go.temporal.io/server@v${SERVER_VERSION}`,
      'schema',
      'postgresql',
      'v12',
    );
  if (!fs.existsSync(path.join(schemaDir, 'temporal', 'versioned'))) {
    throw new Error(
      `the server's PostgreSQL schema is missing at ${schemaDir}: run \`npm run install-temporal-server\``,
    );
  }
  return { server, sql, schemaDir };
}

function modCache(gopath: string): string {
  try {
    return execFileSync('go', ['env', 'GOMODCACHE']).toString().trim();
  } catch {
    return path.join(gopath, 'pkg', 'mod');
  }
}
