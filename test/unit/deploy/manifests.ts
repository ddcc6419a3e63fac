// Reads the deployment files (docker-compose.yml, the Kubernetes manifests, the Dockerfile, the
// systemd unit) into small typed shapes, so manifests.test.ts can compare them with the code.
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

// --- Kubernetes ----------------------------------------------------------------------------------

export interface Probe {
  httpGet?: { path: string; port: number | string };
}

export interface Container {
  name: string;
  image: string;
  args?: string[];
  env?: { name: string; value?: string }[];
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
}

export interface K8sObject {
  kind: string;
  metadata: { name: string; annotations?: Record<string, string> };
  spec: unknown;
}

export interface DeploymentSpec {
  replicas: number;
  selector: { matchLabels: Record<string, string> };
  template: {
    metadata: { labels: Record<string, string> };
    spec: {
      securityContext?: { runAsNonRoot?: boolean };
      initContainers?: Container[];
      containers: Container[];
      volumes: Volume[];
    };
  };
}

export interface ServiceSpec {
  selector: Record<string, string>;
  ports: { name?: string; port: number; targetPort: number | string }[];
}

export interface Kustomization {
  resources: string[];
  configMapGenerator?: { name: string; files: string[] }[];
}

export const KUBE_DIR = 'deploy/kubernetes';

/** Every object of every file kustomization.yaml lists. */
export function kubeObjects(): K8sObject[] {
  const kustomization = readYaml<Kustomization>(`${KUBE_DIR}/kustomization.yaml`);
  return kustomization.resources.flatMap((file) =>
    parseAllDocuments(readText(`${KUBE_DIR}/${file}`)).map((doc) => doc.toJS() as K8sObject),
  );
}

export function kubeObject<S>(kind: string): { metadata: K8sObject['metadata']; spec: S } {
  const found = kubeObjects().filter((o) => o.kind === kind);
  if (found.length !== 1)
    throw new Error(`expected one ${kind} in ${KUBE_DIR}, found ${found.length}`);
  return found[0] as { metadata: K8sObject['metadata']; spec: S };
}

export function containerEnv(container: Container): Record<string, string> {
  return Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value ?? '']));
}

/** A probe's or Service's port: a number, or the name of one of the container's ports. */
export function resolvePort(container: Container, port: number | string | undefined): number {
  if (typeof port === 'number') return port;
  const named = container.ports?.find((p) => p.name === port);
  return named ? named.containerPort : NaN;
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
