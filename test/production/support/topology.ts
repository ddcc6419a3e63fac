// The production topology in one call, for `npm run test:production` and the benches: a private
// PostgreSQL, the schema, the Temporal server on it and its search attributes. Whatever it
// started it stops, also when startup fails halfway.
import { startPostgres, type Postgres } from './postgres';
import { findServerBinaries } from './serverBinaries';
import {
  setupSchema,
  startTemporalServer,
  type FrontendCredentials,
  type ServerOptions,
  type TemporalServer,
} from './temporalServer';

export interface ProductionTemporal {
  address: string;
  /** What the setup tools presented to the frontend (certificate, API key), if it asks. */
  admin: FrontendCredentials;
  server: TemporalServer;
  stop(): Promise<void>;
}

export async function startProductionTemporal(
  options: ServerOptions = {},
): Promise<ProductionTemporal> {
  const log = options.log ?? (() => {});
  const bins = findServerBinaries(); // before anything starts: a missing build fails at once
  const started = Date.now();
  let pg: Postgres | undefined;
  try {
    pg = await startPostgres(log);
    await setupSchema(pg, bins);
    log(`schema set up by temporal/setup-postgres-schema.sh`);
    const server = await startTemporalServer(pg, bins, options);
    log(`production topology ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const db = pg;
    return {
      address: server.address,
      admin: server.admin,
      server,
      async stop() {
        await server.stop();
        await db.stop();
      },
    };
  } catch (err) {
    await pg?.stop();
    throw err;
  }
}
