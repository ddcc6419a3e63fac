// Connection settings for the Temporal frontend from the validated config: plain address for the
// dev server, TLS or mTLS for a self-hosted cluster, an API key for Temporal Cloud. File contents
// are read here and handed to the SDK; none of them are logged.
import * as fs from 'node:fs/promises';
import type { TLSConfig } from '@temporalio/client';
import type { Config } from '../config/types';
import { describeConnectionFailure, describeRefusal } from './connectionProblem';

export interface TemporalConnectionSettings {
  address: string;
  tls?: TLSConfig;
  apiKey?: string;
}

async function readSecret(file: string, what: string): Promise<Buffer> {
  try {
    return await fs.readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new Error(`cannot read ${what} ${file} (${code}); check the path and its permissions`, {
      cause: err,
    });
  }
}

export async function temporalConnectionSettings(
  temporal: Config['temporal'],
  address: string,
): Promise<TemporalConnectionSettings> {
  const settings: TemporalConnectionSettings = { address };
  const t = temporal.tls;
  if (t) {
    const tls: TLSConfig = {};
    if (t.serverName) tls.serverNameOverride = t.serverName;
    if (t.caFile) tls.serverRootCACertificate = await readSecret(t.caFile, 'Temporal CA file');
    if (t.certFile || t.keyFile) {
      if (!t.certFile || !t.keyFile) {
        throw new Error('Temporal mTLS needs both --temporal-tls-cert and --temporal-tls-key');
      }
      tls.clientCertPair = {
        crt: await readSecret(t.certFile, 'Temporal client certificate'),
        key: await readSecret(t.keyFile, 'Temporal client key'),
      };
    }
    settings.tls = tls;
  }
  const apiKey =
    temporal.apiKey ??
    (temporal.apiKeyFile
      ? (await readSecret(temporal.apiKeyFile, 'Temporal API key file')).toString('utf8').trim()
      : undefined);
  if (apiKey) {
    settings.apiKey = apiKey;
    settings.tls ??= {}; // Temporal Cloud with API keys is TLS-only
  }
  return settings;
}

/** A failure to connect or a refusal by Temporal, already said in one line naming the fix. */
export class TemporalConnectionError extends Error {
  override name = 'TemporalConnectionError';
}

/**
 * Runs `connect` (an SDK's connect with these settings); a failure becomes one line saying why:
 * unreachable, a TLS problem (client certificate, CA, server name) or an unauthorized API key.
 */
export async function connectOrExplain<T>(
  connect: () => Promise<T>,
  settings: TemporalConnectionSettings,
  temporal: Config['temporal'],
): Promise<T> {
  try {
    return await connect();
  } catch (err) {
    const files = { certFile: temporal.tls?.certFile, caFile: temporal.tls?.caFile };
    throw new TemporalConnectionError(await describeConnectionFailure(err, settings, files), {
      cause: err,
    });
  }
}

/** Rethrows an authorization refusal from a Temporal call as one line; anything else unchanged. */
export function explainRefusal(err: unknown, settings: TemporalConnectionSettings): unknown {
  const refusal = describeRefusal(err, settings);
  return refusal ? new TemporalConnectionError(refusal, { cause: err }) : err;
}

/**
 * For client connections (not the worker's): a sweep's history holds a decision per request, and
 * one page of a large sweep's history can pass gRPC's default 4 MiB message limit. Temporal's own
 * CLI and Go SDK accept up to 128 MiB; so do we.
 */
export const CLIENT_CHANNEL_ARGS = { 'grpc.max_receive_message_length': 128 * 2 ** 20 };

/** Where control commands find Temporal when no address is configured: the local dev server. */
export function effectiveTemporalAddress(temporal: Config['temporal']): string {
  return temporal.address || `127.0.0.1:${temporal.devServer.port}`;
}
