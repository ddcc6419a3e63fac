// Reads settings from the environment and from the YAML file into assignments (key, value, and
// where it came from, for messages). Unknown JIT_WATCHER_* variables and unknown YAML keys are
// errors with the nearest valid name, because a typo there silently keeps a default otherwise.
import { parse } from 'yaml';
import { ConfigError } from './errors';
import { CONFIG_FILE_OPTION, OPTIONS, yamlKey, type OptionSpec } from './options';
import { isServiceLink } from './serviceLinks';
import { nearest } from './suggest';
import { parseCustom, parseValue, type Value } from './values';

export interface Assignment {
  key: string;
  value: Value;
  /** `-m`, `JIT_WATCHER_MAX_RESOURCES`, `policy.maxResources in policy.yaml`. */
  origin: string;
}

const ENV_PREFIX = 'JIT_WATCHER_';
/**
 * Read by the process itself, not settings: a pre-built workflow bundle to load instead of
 * dist/'s (src/temporal/worker.ts). Known, so `run` does not refuse it as a typo.
 */
const NOT_SETTINGS = ['JIT_WATCHER_WORKFLOW_BUNDLE'];

/**
 * Set variables only; an empty variable counts as unset (as systemd and Docker mostly mean it).
 * Variables Kubernetes and Docker add for linked Services (serviceLinks.ts) are not settings.
 */
export function fromEnv(env: Record<string, string | undefined>): Assignment[] {
  const known = [...OPTIONS, CONFIG_FILE_OPTION].flatMap((o) => o.env);
  for (const name of Object.keys(env).sort()) {
    if (!name.startsWith(ENV_PREFIX)) continue;
    // A Service named jit-watcher-temporal-dev would set JIT_WATCHER_TEMPORAL_DEV_PORT=tcp://...:
    // a setting's name with a link's value, which no parser message would explain.
    if (known.includes(name) && isServiceLink(name, env)) {
      throw new ConfigError(
        `${name}=${env[name] ?? ''} is a service link Kubernetes or Docker added, not a setting; set enableServiceLinks: false in the pod spec or rename the Service or link`,
      );
    }
    if (!known.includes(name) && !NOT_SETTINGS.includes(name) && !isServiceLink(name, env)) {
      const guess = nearest(name, known);
      const hint = guess ? `did you mean ${guess}?` : 'remove it or check the name';
      throw new ConfigError(`unknown environment variable ${name}; ${hint}`);
    }
  }
  const assignments: Assignment[] = [];
  for (const spec of OPTIONS) {
    const name = spec.env.find((n) => env[n] !== undefined && env[n] !== '');
    if (name === undefined) continue;
    assignments.push({
      key: spec.key,
      value: parseValue(spec, env[name] ?? '', name),
      origin: name,
    });
  }
  return assignments;
}

/** The YAML file's settings. Keys mirror Config (camelCase), durations as strings like 30s. */
export function fromYaml(text: string, file: string): Assignment[] {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    const first = (err instanceof Error ? err.message : String(err)).split('\n')[0];
    throw new ConfigError(`${file}: not valid YAML: ${first}`);
  }
  if (doc === null || doc === undefined) return [];
  const leaves = new Map<string, OptionSpec>();
  for (const spec of OPTIONS) if (!spec.noYaml) leaves.set(yamlKey(spec), spec);
  const assignments: Assignment[] = [];
  walk(doc, '', file, leaves, assignments);
  return assignments;
}

function walk(
  node: unknown,
  prefix: string,
  file: string,
  leaves: Map<string, OptionSpec>,
  out: Assignment[],
): void {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) {
    throw new ConfigError(
      `${prefix || 'top level'} in ${file}: must be a mapping of keys, got ${describe(node)}`,
    );
  }
  for (const [key, value] of Object.entries(node)) {
    const path = prefix ? `${prefix}.${key}` : key;
    const spec = leaves.get(path);
    const origin = `${path} in ${file}`;
    if (spec) {
      if (value !== null)
        out.push({
          key: spec.key,
          value:
            spec.kind === 'custom'
              ? parseCustom(spec, value, origin)
              : parseValue(spec, scalar(value, spec, origin), origin),
          origin,
        });
    } else if ([...leaves.keys()].some((leaf) => leaf.startsWith(`${path}.`))) {
      if (value !== null) walk(value, path, file, leaves, out);
    } else {
      throw new ConfigError(unknownKey(path, file, leaves));
    }
  }
}

function scalar(value: unknown, spec: OptionSpec, origin: string): string | string[] {
  if (Array.isArray(value) && spec.kind === 'list')
    return value.map((item) => scalar(item, { ...spec, kind: 'string' }, origin) as string);
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new ConfigError(`${origin}: must be a single value, got ${describe(value)}`);
}

function unknownKey(path: string, file: string, leaves: Map<string, OptionSpec>): string {
  const candidates = new Set<string>();
  for (const leaf of leaves.keys()) {
    const parts = leaf.split('.');
    for (let i = 1; i <= parts.length; i++) candidates.add(parts.slice(0, i).join('.'));
  }
  const guess = nearest(path, [...candidates]);
  return `${file}: unknown key ${path}; ${guess ? `did you mean ${guess}?` : 'see examples/policy.yaml for the keys'}`;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object' && value !== null) return 'a mapping';
  return JSON.stringify(value) ?? typeof value;
}
