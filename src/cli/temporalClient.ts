// Connects control commands to Temporal and works out which cluster's watcher they mean:
// --cluster, or the cluster named by the identity file's certificate (read locally, no Teleport call).
import { Client, Connection } from '@temporalio/client';
import { ConfigError } from '../config/errors';
import type { Config } from '../config/types';
import { readIdentityFile } from '../teleport/identityFile';
import {
  CLIENT_CHANNEL_ARGS,
  connectOrExplain,
  effectiveTemporalAddress,
  explainRefusal,
  temporalConnectionSettings,
} from '../temporal/connection';

export async function withTemporalClient<T>(
  config: Config,
  use: (client: Client) => Promise<T>,
): Promise<T> {
  const address = effectiveTemporalAddress(config.temporal);
  const settings = await temporalConnectionSettings(config.temporal, address);
  const connection = await connectOrExplain(
    () =>
      Connection.connect({ ...settings, connectTimeout: 5_000, channelArgs: CLIENT_CHANNEL_ARGS }),
    settings,
    config.temporal,
  );
  try {
    return await use(new Client({ connection, namespace: config.temporal.namespace }));
  } catch (err) {
    throw explainRefusal(err, settings);
  } finally {
    await connection.close();
  }
}

/** The cluster a reading command keeps to: --cluster, else -i's; neither: every cluster's. */
export async function optionalCluster(
  config: Config,
  cluster: string | undefined,
): Promise<string | undefined> {
  if (cluster || !config.teleport.identityFile) return cluster;
  return (await readIdentityFile(config.teleport.identityFile)).clusterName;
}

export async function resolveCluster(config: Config, cluster: string | undefined): Promise<string> {
  if (cluster) return cluster;
  if (config.teleport.identityFile) {
    return (await readIdentityFile(config.teleport.identityFile)).clusterName;
  }
  throw new ConfigError(
    'which cluster? pass --cluster NAME or -i IDENTITY_FILE (its certificate names the cluster)',
  );
}
