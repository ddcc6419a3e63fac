// Test access to a real Temporal dev server: the one `npm test` started (JIT_TEST_TEMPORAL_ADDRESS),
// or one started for this file when a test file runs alone. Never a mock, never a download.
// `npm run test:production`'s server requires client certificates: JIT_TEST_TEMPORAL_TLS_* name
// them, and every client, worker and CLI command here connects with them as an operator would.
import { Client, Connection } from '@temporalio/client';
import { defaultConfig, type TemporalTls } from '../../src/config/types';
import { CLIENT_CHANNEL_ARGS, temporalConnectionSettings } from '../../src/temporal/connection';
import { startDevServer, type DevServer } from '../../src/temporal/devServer';
import { TEST_DEV_SERVER_CONFIG } from './devServerConfig';

export interface TestTemporal {
  address: string;
  /** The TLS settings its frontend needs, if any (test:production's requires mTLS). */
  tls?: TemporalTls;
  client: Client;
  close(): Promise<void>;
}

/** The client TLS settings the test runner gives, if its server needs them. */
export function testTemporalTls(env: NodeJS.ProcessEnv = process.env): TemporalTls | undefined {
  if (!env.JIT_TEST_TEMPORAL_TLS_CA && !env.JIT_TEST_TEMPORAL_TLS_CERT) return undefined;
  return {
    caFile: env.JIT_TEST_TEMPORAL_TLS_CA,
    certFile: env.JIT_TEST_TEMPORAL_TLS_CERT,
    keyFile: env.JIT_TEST_TEMPORAL_TLS_KEY,
    serverName: env.JIT_TEST_TEMPORAL_TLS_SERVER_NAME,
  };
}

/** The same settings as `jit-watcher` flags, for commands and worker processes. */
export function temporalTlsFlags(tls: TemporalTls | undefined = testTemporalTls()): string[] {
  if (!tls) return [];
  return [
    ...(tls.certFile ? ['--temporal-tls-cert', tls.certFile] : []),
    ...(tls.keyFile ? ['--temporal-tls-key', tls.keyFile] : []),
    ...(tls.caFile ? ['--temporal-tls-ca', tls.caFile] : []),
    ...(tls.serverName ? ['--temporal-tls-server-name', tls.serverName] : []),
  ];
}

/** The same settings as `jit-watcher`'s environment variables. */
export function temporalTlsEnv(
  tls: TemporalTls | undefined = testTemporalTls(),
): Record<string, string> {
  const env: Record<string, string> = {};
  if (tls?.certFile) env.JIT_WATCHER_TEMPORAL_TLS_CERT = tls.certFile;
  if (tls?.keyFile) env.JIT_WATCHER_TEMPORAL_TLS_KEY = tls.keyFile;
  if (tls?.caFile) env.JIT_WATCHER_TEMPORAL_TLS_CA = tls.caFile;
  if (tls?.serverName) env.JIT_WATCHER_TEMPORAL_TLS_SERVER_NAME = tls.serverName;
  return env;
}

export async function testTemporal(): Promise<TestTemporal> {
  let server: DevServer | undefined;
  let address = process.env.JIT_TEST_TEMPORAL_ADDRESS;
  if (!address) {
    server = await startDevServer({ dynamicConfig: TEST_DEV_SERVER_CONFIG });
    address = server.address;
  }
  const tls = server ? undefined : testTemporalTls();
  const settings = await temporalConnectionSettings({ ...defaultConfig().temporal, tls }, address);
  const connection = await Connection.connect({ ...settings, channelArgs: CLIENT_CHANNEL_ARGS });
  return {
    address,
    ...(tls ? { tls } : {}),
    client: new Client({ connection }),
    async close() {
      await connection.close();
      await server?.stop();
    },
  };
}

/** A task queue and cluster name no other test uses, so tests share one server safely. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
