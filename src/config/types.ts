// The validated configuration every command receives, and its defaults. Plain data, built per call
// by loadConfig and passed down explicitly: never cached in a module, so tests build their own.
import { defaultPolicy } from '../policy/policy';
import type { Policy } from '../policy/types';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface TemporalTls {
  certFile?: string;
  keyFile?: string;
  caFile?: string;
  serverName?: string;
}

export interface Config {
  teleport: { address: string; identityFile: string; callTimeoutMs: number };
  policy: Policy;
  pollIntervalMs: number;
  fullEvaluationIntervalMs: number;
  debug: boolean;
  logLevel: LogLevel;
  watchEvents: boolean;
  temporal: {
    /** Empty: start an embedded dev server. */
    address: string;
    namespace: string;
    taskQueue: string;
    /** Present only when some TLS setting was given. */
    tls?: TemporalTls;
    apiKeyFile?: string;
    /** From TEMPORAL_API_KEY only (never a flag or YAML key); redactConfig hides it. */
    apiKey?: string;
    devServer: { port: number; uiPort: number; dbFile: string };
  };
  worker: { maxConcurrentActivities: number };
  /** listen: host:port for Prometheus metrics; empty disables them. */
  metrics: { listen: string };
}

export function defaultConfig(): Config {
  return {
    teleport: { address: '', identityFile: '', callTimeoutMs: 10_000 },
    policy: defaultPolicy(),
    pollIntervalMs: 30_000,
    fullEvaluationIntervalMs: 600_000,
    debug: false,
    logLevel: 'info',
    watchEvents: true,
    temporal: {
      address: '',
      namespace: 'default',
      taskQueue: 'jit-watcher',
      devServer: { port: 7233, uiPort: 8233, dbFile: '.temporal/jit-watcher.db' },
    },
    worker: { maxConcurrentActivities: 100 },
    metrics: { listen: '127.0.0.1:9464' },
  };
}

/** A copy safe to print or log: secrets replaced. */
export function redactConfig(config: Config): Config {
  const copy = structuredClone(config);
  if (copy.temporal.apiKey !== undefined) copy.temporal.apiKey = '[redacted]';
  return copy;
}
