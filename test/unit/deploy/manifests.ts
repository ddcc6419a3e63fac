// Reads the deployment files (docker-compose.yml, the Helm chart's rendered objects, the
// Dockerfile, the systemd unit) into small typed shapes, so the deploy tests can compare them with
// the code.
// Only the fields the tests look at are typed; parsing never interpolates from the real env.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

export const ROOT = path.resolve(__dirname, '..', '..', '..');

export function readText(file: string): string {
  return fs.readFileSync(path.join(ROOT, file), 'utf8');
}

export function exists(file: string): boolean {
  return fs.existsSync(path.join(ROOT, file));
}

export function readYaml<T>(file: string): T {
  return parse(readText(file)) as T;
}

// --- docker-compose.yml -------------------------------------------------------------------------

export interface ComposeService {
  build?: string | { context?: string; dockerfile?: string };
  image?: string;
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string> | string[];
  volumes?: string[];
  ports?: string[];
}

export interface Compose {
  services: Record<string, ComposeService>;
}

/** `${NAME:-default}` as compose resolves it with NAME unset: the tests must not depend on env. */
export function interpolate(value: string): string {
  return value.replace(/\$\{[A-Za-z_][A-Za-z0-9_]*(?::?-([^}]*))?\}/g, (_, fallback?: string) => {
    return fallback ?? '';
  });
}

export function composeEnv(service: ComposeService): Record<string, string> {
  const env = service.environment ?? {};
  const pairs = Array.isArray(env)
    ? env.map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)])
    : Object.entries(env).map(([k, v]) => [k, String(v)]);
  return Object.fromEntries(pairs.map(([k = '', v = '']) => [k, interpolate(v)]));
}

export interface Mount {
  source: string;
  target: string;
  readOnly: boolean;
}

/** The short volume syntax, source:target[:ro]. */
export function composeMounts(service: ComposeService): Mount[] {
  return (service.volumes ?? []).map((spec) => {
    const [source = '', target = '', mode = ''] = spec.split(':');
    return { source, target, readOnly: mode.split(',').includes('ro') };
  });
}

/** Container ports of "[host_ip:]host:container[/proto]" mappings. */
export function composeContainerPorts(service: ComposeService): number[] {
  return (service.ports ?? []).map((spec) => Number(spec.split('/')[0]?.split(':').pop()));
}

// --- Kubernetes (objects `helm template` rendered from deploy/helm/jit-watcher) ------------------

export const CHART_DIR = 'deploy/helm/jit-watcher';

export interface Probe {
  httpGet?: { path: string; port: number | string };
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
}

export interface Container {
  name: string;
  image: string;
  args?: string[];
  env?: EnvVar[];
  ports?: { name?: string; containerPort: number }[];
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  securityContext?: {
    allowPrivilegeEscalation?: boolean;
    readOnlyRootFilesystem?: boolean;
    capabilities?: { drop?: string[] };
  };
}

export interface Volume {
  name: string;
  emptyDir?: object;
  configMap?: { name: string };
  secret?: { secretName: string; items?: { key: string; path: string }[] };
}

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; annotations?: Record<string, string> };
  spec?: unknown;
  data?: Record<string, string>;
}

export interface PodSpec {
  enableServiceLinks?: boolean;
  automountServiceAccountToken?: boolean;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
  initContainers?: Container[];
  containers: Container[];
  volumes: Volume[];
}

export interface DeploymentSpec {
  replicas: number;
  selector: { matchLabels: Record<string, string> };
  template: { metadata: { labels: Record<string, string> }; spec: PodSpec };
}

export interface ServiceSpec {
  selector: Record<string, string>;
  ports: { name?: string; port: number; targetPort: number | string; protocol?: string }[];
}

/** The objects of a `helm template` rendering (a multi-document YAML stream). */
export function objectsOf(stream: string): K8sObject[] {
  return parseAllDocuments(stream)
    .map((doc) => doc.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
}

export function only<S>(
  objects: K8sObject[],
  kind: string,
): { metadata: K8sObject['metadata']; spec: S } {
  const found = objects.filter((o) => o.kind === kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, found ${found.length}`);
  return found[0] as { metadata: K8sObject['metadata']; spec: S };
}

/** Plain values as they are; a Secret's value as a stand-in naming it (tests never see one). */
export function containerEnv(container: Container): Record<string, string> {
  return Object.fromEntries(
    (container.env ?? []).map((e) => {
      const ref = e.valueFrom?.secretKeyRef;
      return [e.name, ref ? `secret ${ref.name}/${ref.key}` : (e.value ?? '')];
    }),
  );
}

/** A probe's or Service's port: a number, or the name of one of the container's ports. */
export function resolvePort(container: Container, port: number | string | undefined): number {
  if (typeof port === 'number') return port;
  const named = container.ports?.find((p) => p.name === port);
  return named ? named.containerPort : NaN;
}

/**
 * The variables the kubelet gives a pod for a Service when service links are on, as
 * kubernetes pkg/kubelet/envvars/envvars.go makes them (FromServices, makeLinkVariables): the
 * Service and port names upper-cased with '-' as '_', the first port also as {SVC}_PORT.
 */
export function serviceLinkEnv(
  name: string,
  clusterIP: string,
  ports: ServiceSpec['ports'],
): Record<string, string> {
  const svc = name.toUpperCase().replace(/-/g, '_');
  const env: Record<string, string> = { [`${svc}_SERVICE_HOST`]: clusterIP };
  ports.forEach((p, i) => {
    const proto = (p.protocol ?? 'TCP').toUpperCase();
    const address = `${proto.toLowerCase()}://${clusterIP}:${p.port}`;
    if (i === 0) {
      env[`${svc}_SERVICE_PORT`] = String(p.port);
      env[`${svc}_PORT`] = address;
    }
    if (p.name)
      env[`${svc}_SERVICE_PORT_${p.name.toUpperCase().replace(/-/g, '_')}`] = String(p.port);
    const prefix = `${svc}_PORT_${p.port}_${proto}`;
    env[prefix] = address;
    env[`${prefix}_PROTO`] = proto.toLowerCase();
    env[`${prefix}_PORT`] = String(p.port);
    env[`${prefix}_ADDR`] = clusterIP;
  });
  return env;
}

// --- Dockerfile and systemd ----------------------------------------------------------------------

export interface Instruction {
  op: string;
  args: string;
}

/** Instructions with continuation lines joined and comments dropped. */
export function dockerfile(): Instruction[] {
  const lines = readText('Dockerfile')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim());
  return lines
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const [op = '', ...rest] = l.split(/\s+/);
      return { op: op.toUpperCase(), args: rest.join(' ') };
    });
}

/** FROM images with ARG defaults substituted (build stages referring to each other excluded). */
export function baseImages(instructions: Instruction[]): string[] {
  const args: Record<string, string> = {};
  const images: string[] = [];
  for (const { op, args: rest } of instructions) {
    const arg = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(rest);
    if (op === 'ARG' && arg) args[arg[1] ?? ''] = arg[2] ?? '';
    if (op === 'FROM') {
      const image = rest.split(/\s+/)[0] ?? '';
      images.push(
        image.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_, n: string) => args[n] ?? ''),
      );
    }
  }
  return images;
}

/** KEY=value lines of a systemd unit or environment file; later lines win, as in systemd. */
export function keyValues(text: string, withComments = false): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = withComments ? raw.replace(/^#\s*(?=[A-Z_]+=)/, '') : raw;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) out[m[1] ?? ''] = m[2] ?? '';
  }
  return out;
}
