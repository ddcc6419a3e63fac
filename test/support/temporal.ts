// Test access to a real Temporal dev server: the one `npm test` started (JIT_TEST_TEMPORAL_ADDRESS),
// or one started for this file when a test file runs alone. Never a mock, never a download.
import { Client, Connection } from '@temporalio/client';
import { CLIENT_CHANNEL_ARGS } from '../../src/temporal/connection';
import { startDevServer, type DevServer } from '../../src/temporal/devServer';

export interface TestTemporal {
  address: string;
  client: Client;
  close(): Promise<void>;
}

export async function testTemporal(): Promise<TestTemporal> {
  let server: DevServer | undefined;
  let address = process.env.JIT_TEST_TEMPORAL_ADDRESS;
  if (!address) {
    server = await startDevServer({
      dynamicConfig: { 'limit.historyCount.suggestContinueAsNew': 400 },
    });
    address = server.address;
  }
  const connection = await Connection.connect({ address, channelArgs: CLIENT_CHANNEL_ARGS });
  return {
    address,
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
