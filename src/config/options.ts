// The one table of settings: each Config key with its flags, environment variables, YAML key,
// kind and help. Parsing, merging, --help and docs all read it, so adding a setting is one row;
// each policy rule brings its own rows (src/policy/registry.ts). The YAML key is the Config path
// with a trailing "Ms" dropped (pollIntervalMs -> pollInterval).
import { POLICY_OPTIONS } from '../policy/registry';
import type { RuleOption } from '../policy/rule';

/** 'custom': the option parses its own value (a rule's structured setting, e.g. --caps). */
export type Kind = 'string' | 'int' | 'bool' | 'duration' | 'list' | 'enum' | 'custom';

export interface OptionSpec {
  /** Dotted Config path. */
  key: string;
  /** Flag names without dashes; each works as -name or --name. The first is the canonical one. */
  flags: string[];
  /** Environment variables, highest priority first. */
  env: string[];
  kind: Kind;
  help: string;
  /** The Go sample had this flag: messages show it with one dash, as its users typed it. */
  go?: boolean;
  /** int: smallest value; duration: smallest, in ms. */
  min?: number;
  max?: number;
  choices?: string[];
  /** A sample value for messages and help. */
  example?: string;
  /** Not settable from YAML (secrets). */
  noYaml?: boolean;
  secret?: boolean;
  /** 'custom' only: the raw text (flag, variable) or YAML value into the value; see RuleOption. */
  parse?: RuleOption['parse'];
  /** 'custom' only: a flag's or variable's text is YAML flow (or JSON), parsed before `parse`. */
  text?: RuleOption['text'];
}

const PORT = { kind: 'int', min: 1, max: 65535 } as const;

// One row per setting, so the table reads as a table.
// prettier-ignore
export const OPTIONS: readonly OptionSpec[] = [
  { key: 'teleport.address', flags: ['p', 'proxy', 'auth-server'], env: ['JIT_WATCHER_PROXY'], kind: 'string', go: true, example: 'teleport.example.com:443', help: 'Teleport proxy or auth server address (required to talk to Teleport)' },
  { key: 'teleport.identityFile', flags: ['i', 'identity-file'], env: ['JIT_WATCHER_IDENTITY_FILE'], kind: 'string', go: true, example: '/opt/machine-id/identity', help: 'Machine ID identity file (required to talk to Teleport; must exist)' },
  { key: 'teleport.callTimeoutMs', flags: ['call-timeout'], env: ['JIT_WATCHER_CALL_TIMEOUT'], kind: 'duration', min: 100, example: '10s', help: 'deadline for each Teleport API call' },
  ...POLICY_OPTIONS.map(ruleOption),
  { key: 'policy.autoApprove', flags: ['auto-approve'], env: ['JIT_WATCHER_AUTO_APPROVE'], kind: 'bool', help: 'approve compliant requests (off: leave them to human reviewers)' },
  { key: 'policy.dryRun', flags: ['dry-run'], env: ['JIT_WATCHER_DRY_RUN'], kind: 'bool', help: 'decide and log, but change nothing in Teleport' },
  { key: 'policy.exempt.users', flags: ['exempt-users'], env: ['JIT_WATCHER_EXEMPT_USERS'], kind: 'list', example: 'alice,bob', help: 'users whose requests are left to humans' },
  { key: 'policy.exempt.roles', flags: ['exempt-roles'], env: ['JIT_WATCHER_EXEMPT_ROLES'], kind: 'list', example: 'break-glass', help: 'roles whose requests are left to humans' },
  { key: 'policy.reviewMode', flags: ['review-mode'], env: ['JIT_WATCHER_REVIEW_MODE'], kind: 'enum', choices: ['state', 'review'], help: 'resolve requests by setting their state, or by submitting a review' },
  { key: 'pollIntervalMs', flags: ['poll-interval'], env: ['JIT_WATCHER_POLL_INTERVAL'], kind: 'duration', go: true, min: 1000, example: '30s', help: 'how often to poll Teleport' },
  { key: 'fullEvaluationIntervalMs', flags: ['full-evaluation-interval'], env: ['JIT_WATCHER_FULL_EVALUATION_INTERVAL'], kind: 'duration', min: 1000, example: '10m', help: 'how often to re-evaluate every user' },
  { key: 'debug', flags: ['d', 'debug'], env: ['JIT_WATCHER_DEBUG'], kind: 'bool', go: true, help: 'debug output (log level debug unless --log-level is given)' },
  { key: 'logLevel', flags: ['log-level'], env: ['JIT_WATCHER_LOG_LEVEL'], kind: 'enum', choices: ['debug', 'info', 'warn', 'error'], help: 'log level' },
  { key: 'watchEvents', flags: ['watch-events'], env: ['JIT_WATCHER_WATCH_EVENTS'], kind: 'bool', help: "react to Teleport's event stream between polls" },
  { key: 'temporal.address', flags: ['temporal-address'], env: ['JIT_WATCHER_TEMPORAL_ADDRESS', 'TEMPORAL_ADDRESS'], kind: 'string', example: 'localhost:7233', help: 'Temporal frontend address; empty starts an embedded dev server' },
  { key: 'temporal.namespace', flags: ['temporal-namespace'], env: ['JIT_WATCHER_TEMPORAL_NAMESPACE', 'TEMPORAL_NAMESPACE'], kind: 'string', help: 'Temporal namespace' },
  { key: 'temporal.taskQueue', flags: ['temporal-task-queue'], env: ['JIT_WATCHER_TEMPORAL_TASK_QUEUE'], kind: 'string', help: 'Temporal task queue' },
  { key: 'temporal.tls.certFile', flags: ['temporal-tls-cert'], env: ['JIT_WATCHER_TEMPORAL_TLS_CERT'], kind: 'string', help: 'client certificate for mTLS to Temporal' },
  { key: 'temporal.tls.keyFile', flags: ['temporal-tls-key'], env: ['JIT_WATCHER_TEMPORAL_TLS_KEY'], kind: 'string', help: 'client key for mTLS to Temporal' },
  { key: 'temporal.tls.caFile', flags: ['temporal-tls-ca'], env: ['JIT_WATCHER_TEMPORAL_TLS_CA'], kind: 'string', help: 'CA bundle to verify the Temporal server' },
  { key: 'temporal.tls.serverName', flags: ['temporal-tls-server-name'], env: ['JIT_WATCHER_TEMPORAL_TLS_SERVER_NAME'], kind: 'string', help: 'TLS server name to verify' },
  { key: 'temporal.apiKeyFile', flags: ['temporal-api-key-file'], env: ['JIT_WATCHER_TEMPORAL_API_KEY_FILE'], kind: 'string', help: 'file holding the Temporal Cloud API key' },
  { key: 'temporal.apiKey', flags: [], env: ['TEMPORAL_API_KEY'], kind: 'string', noYaml: true, secret: true, help: 'Temporal Cloud API key (environment only; never printed)' },
  { key: 'temporal.devServer.port', flags: ['temporal-dev-port'], env: ['JIT_WATCHER_TEMPORAL_DEV_PORT'], ...PORT, help: 'embedded dev server gRPC port' },
  { key: 'temporal.devServer.uiPort', flags: ['temporal-dev-ui-port'], env: ['JIT_WATCHER_TEMPORAL_DEV_UI_PORT'], ...PORT, help: 'embedded dev server Web UI port' },
  { key: 'temporal.devServer.dbFile', flags: ['temporal-dev-db'], env: ['JIT_WATCHER_TEMPORAL_DEV_DB'], kind: 'string', help: 'embedded dev server database file' },
  { key: 'worker.maxConcurrentActivities', flags: ['max-concurrent-activities'], env: ['JIT_WATCHER_MAX_CONCURRENT_ACTIVITIES'], kind: 'int', min: 1, example: '100', help: 'activities one worker runs at once, so also its concurrent Teleport calls' },
  { key: 'metrics.listen', flags: ['metrics-listen'], env: ['JIT_WATCHER_METRICS_LISTEN'], kind: 'string', example: '127.0.0.1:9464', help: 'host:port for Prometheus metrics; empty disables' },
];

/** A rule's setting as a row: its Policy key under `policy.`; rules own their policy rows. */
function ruleOption(option: RuleOption): OptionSpec {
  return { ...option, key: `policy.${option.key}` };
}

/** Where the YAML file is named; a flag and a variable, but not itself a Config key. */
export const CONFIG_FILE_OPTION: OptionSpec = {
  key: 'config',
  flags: ['config'],
  env: ['JIT_WATCHER_CONFIG'],
  kind: 'string',
  noYaml: true,
  example: 'policy.yaml',
  help: 'YAML configuration file',
};

export const HELP_FLAGS: readonly string[] = ['h', 'help'];

/** -m for the Go sample's flags, --max-resources style for the rest. */
export function canonicalFlag(spec: OptionSpec): string | undefined {
  const name = spec.flags[0];
  if (name === undefined) return undefined;
  return spec.go || name.length === 1 ? `-${name}` : `--${name}`;
}

/** How messages name a setting nobody set: its flag, else its variable. */
export function displayName(spec: OptionSpec): string {
  return canonicalFlag(spec) ?? spec.env[0] ?? spec.key;
}

export function yamlKey(spec: OptionSpec): string {
  return spec.key.replace(/Ms$/, '');
}

export function optionByKey(key: string): OptionSpec | undefined {
  return OPTIONS.find((o) => o.key === key);
}
