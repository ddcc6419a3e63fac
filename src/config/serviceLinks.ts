// Variables the platform puts into a process's environment by itself: Kubernetes' service links
// (a set per Service in the namespace; a Service named jit-watcher-metrics yields JIT_WATCHER_
// METRICS_*) and Docker's legacy container links. The unknown-variable check lets these pass,
// recognised by name shape and value together, so a misspelt setting is still refused.
import { isIP } from 'node:net';

// The shapes follow the kubelet (kubernetes pkg/kubelet/envvars/envvars.go: FromServices and
// makeLinkVariables; names are the Service or port name upper-cased, '-' as '_'; hosts are the
// cluster IP, joined with the port as net.JoinHostPort does) and Docker's links
// (moby daemon/links/links.go: <ALIAS>_PORT..., <ALIAS>_NAME=/<container>/<alias>, <ALIAS>_ENV_*).
const PROTOCOLS = '(tcp|udp|sctp)';
const PORT = /^\d{1,5}$/;
const ADDRESS = new RegExp(`^${PROTOCOLS}://(\\[[0-9A-Fa-f:.]+\\]|[0-9.]+):\\d{1,5}$`);

function isHost(value: string): boolean {
  return isIP(value) !== 0;
}

/** [name pattern, whether the value has that variable's shape]. Several patterns can match one
 * name (a Service named jit-watcher-service makes JIT_WATCHER_SERVICE_PORT=tcp://...): any fits. */
const SHAPES: readonly [RegExp, (value: string) => boolean][] = [
  // {SVC}_SERVICE_HOST=10.96.0.12
  [/_SERVICE_HOST$/, isHost],
  // {SVC}_SERVICE_PORT=9464, {SVC}_SERVICE_PORT_{PORT_NAME}=9464
  [/_SERVICE_PORT(_[A-Z0-9_]+)?$/, (v) => PORT.test(v)],
  // {SVC}_PORT_9464_TCP_PROTO=tcp
  [/_PORT_\d+_(TCP|UDP|SCTP)_PROTO$/, (v) => new RegExp(`^${PROTOCOLS}$`).test(v)],
  // {SVC}_PORT_9464_TCP_PORT=9464
  [/_PORT_\d+_(TCP|UDP|SCTP)_PORT$/, (v) => PORT.test(v)],
  // {SVC}_PORT_9464_TCP_ADDR=10.96.0.12
  [/_PORT_\d+_(TCP|UDP|SCTP)_ADDR$/, isHost],
  // {SVC}_PORT_9464_TCP=tcp://10.96.0.12:9464
  [/_PORT_\d+_(TCP|UDP|SCTP)$/, (v) => ADDRESS.test(v)],
  // {SVC}_PORT=tcp://10.96.0.12:9464 (the first port); a bare number here is a misspelling
  [/_PORT$/, (v) => ADDRESS.test(v)],
  // Docker: {ALIAS}_NAME=/web/db
  [/_NAME$/, (v) => /^\/\S+$/.test(v)],
];

/**
 * Whether `name` is a variable Kubernetes or Docker adds for a linked Service or container, by
 * its name and value. Docker's {ALIAS}_ENV_* copies of the linked container's environment have
 * any value, so they count only next to that link's {ALIAS}_NAME.
 */
export function isServiceLink(name: string, env: Record<string, string | undefined>): boolean {
  const value = env[name] ?? '';
  const envCopy = /^(.+)_ENV_[A-Za-z0-9_]+$/.exec(name);
  if (envCopy && isServiceLink(`${envCopy[1]}_NAME`, env)) return true;
  return SHAPES.some(([pattern, fits]) => pattern.test(name) && fits(value));
}
