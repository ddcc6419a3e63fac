// Why a connection to Temporal failed, as one line naming the fix. The SDKs say only "failed to
// connect before the deadline" (grpc-js) or print a Rust error chain (the worker's core), so on a
// failure we repeat the TLS handshake ourselves with the same settings (verification on, as
// always) and name what it reports: no client certificate, an unknown CA, a wrong server name.
// File paths may appear in the message; certificate or key contents never do.
import * as net from 'node:net';
import * as tls from 'node:tls';
import type { TemporalConnectionSettings } from './connection';

const PROBE_TIMEOUT_MS = 5_000;

/** The flags that hold each setting, for the fix in the message. */
const FLAG = {
  cert: '--temporal-tls-cert',
  key: '--temporal-tls-key',
  ca: '--temporal-tls-ca',
  serverName: '--temporal-tls-server-name',
  apiKey: 'TEMPORAL_API_KEY or --temporal-api-key-file',
};

/** Certificate files, named in messages (the settings hold only their contents). */
export interface TlsFileNames {
  certFile?: string;
  caFile?: string;
}

/** OpenSSL's verify codes for "no trusted CA signed this chain". */
const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
]);

type Probe =
  | { kind: 'ok' }
  | { kind: 'unreachable'; code: string }
  | { kind: 'not-tls' }
  | { kind: 'untrusted'; code: string }
  | { kind: 'wrong-name'; presented: string }
  | { kind: 'expired' }
  | { kind: 'client-cert-required' }
  | { kind: 'client-cert-refused'; alert: string }
  | { kind: 'other'; message: string };

function hostAndPort(address: string): { host: string; port: number } {
  const match = /^\[?(.*?)\]?:(\d+)$/.exec(address);
  return match
    ? { host: match[1] ?? address, port: Number(match[2]) }
    : { host: address, port: 443 };
}

/** A TLS handshake with the connection's settings, then an HTTP/2 preface to hear the server's verdict. */
function probeTls(settings: TemporalConnectionSettings): Promise<Probe> {
  const { host, port } = hostAndPort(settings.address);
  const t = settings.tls ?? {};
  const serverName = t.serverNameOverride ?? (net.isIP(host) ? undefined : host);
  return new Promise<Probe>((resolve) => {
    let settled = false;
    const done = (probe: Probe): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(probe);
    };
    const socket = tls.connect({
      host,
      port,
      ...(serverName ? { servername: serverName } : {}),
      ...(t.serverRootCACertificate ? { ca: Buffer.from(t.serverRootCACertificate) } : {}),
      ...(t.clientCertPair
        ? { cert: Buffer.from(t.clientCertPair.crt), key: Buffer.from(t.clientCertPair.key) }
        : {}),
      ALPNProtocols: ['h2'],
      // checkServerIdentity against serverName when given: what grpc-js and the worker verify.
      ...(serverName
        ? { checkServerIdentity: (_host, cert) => tls.checkServerIdentity(serverName, cert) }
        : {}),
    });
    const timer = setTimeout(
      () => done({ kind: 'other', message: 'no answer to a TLS handshake' }),
      PROBE_TIMEOUT_MS,
    );
    socket.once('secureConnect', () => {
      // TLS 1.3 servers judge the client's certificate after our side of the handshake is done:
      // speak first, and their answer is either HTTP/2 frames or an alert.
      socket.write('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
      socket.write(Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0])); // an empty SETTINGS frame
    });
    socket.once('data', () => done({ kind: 'ok' }));
    socket.once('end', () => done({ kind: 'client-cert-refused', alert: 'connection closed' }));
    socket.once('error', (err: NodeJS.ErrnoException) => done(classify(err)));
  });
}

function classify(err: NodeJS.ErrnoException & { cert?: { subjectaltname?: string } }): Probe {
  const code = err.code ?? '';
  const message = err.message.toLowerCase();
  if (['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ETIMEDOUT'].includes(code))
    return { kind: 'unreachable', code };
  if (UNTRUSTED.has(code)) return { kind: 'untrusted', code };
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID')
    return { kind: 'wrong-name', presented: err.cert?.subjectaltname ?? 'other names' };
  if (code === 'CERT_HAS_EXPIRED') return { kind: 'expired' };
  if (message.includes('certificate required')) return { kind: 'client-cert-required' };
  const alert =
    /alert (bad certificate|unknown ca|certificate unknown|unsupported certificate|access denied|certificate revoked|certificate expired)/.exec(
      message,
    );
  if (alert?.[1]) return { kind: 'client-cert-refused', alert: alert[1] };
  if (message.includes('wrong version number') || message.includes('packet length too long'))
    return { kind: 'not-tls' };
  if (code === 'ECONNRESET' || code === 'EPIPE')
    return { kind: 'client-cert-refused', alert: 'connection reset' };
  return { kind: 'other', message: err.message.split('\n')[0] ?? code };
}

/** gRPC status codes worth their own message (@grpc/grpc-js's `status`). */
const PERMISSION_DENIED = 7;
const UNAUTHENTICATED = 16;

function grpcCode(err: unknown): number | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'number') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** One line for a call Temporal refused on authorization grounds, or undefined for any other error. */
export function describeRefusal(
  err: unknown,
  settings: TemporalConnectionSettings,
): string | undefined {
  const code = grpcCode(err);
  const text = err instanceof Error ? err.message : String(err);
  const denied =
    code === PERMISSION_DENIED ||
    code === UNAUTHENTICATED ||
    /PermissionDenied|Unauthenticated|Request unauthorized/i.test(text);
  if (!denied) return undefined;
  const fix = settings.apiKey
    ? `check the API key (${FLAG.apiKey}): it must be valid, unexpired and grant this namespace`
    : `pass an API key (${FLAG.apiKey}) or a client certificate the server maps to a role`;
  return `Temporal at ${settings.address} refused the request as unauthorized; ${fix}`;
}

/**
 * One line for a failure to connect: the TLS problem when the handshake shows one, the refusal
 * when Temporal answered with one, else that Temporal could not be reached.
 */
export async function describeConnectionFailure(
  err: unknown,
  settings: TemporalConnectionSettings,
  files: TlsFileNames = {},
): Promise<string> {
  const refusal = describeRefusal(err, settings);
  if (refusal) return refusal;
  const at = `Temporal at ${settings.address}`;
  if (!settings.tls) {
    const probe = await probeTls(settings);
    if (probe.kind === 'unreachable')
      return `cannot reach ${at} (${probe.code}); check --temporal-address and that the server runs`;
    if (['untrusted', 'wrong-name', 'ok', 'client-cert-required', 'expired'].includes(probe.kind))
      return `${at} speaks TLS; pass ${FLAG.ca} (and ${FLAG.cert} / ${FLAG.key} if it requires client certificates)`;
    return `cannot connect to ${at}; check --temporal-address and that the server runs`;
  }
  const probe = await probeTls(settings);
  const ca = files.caFile ? `the CA in ${files.caFile}` : 'the system CAs';
  switch (probe.kind) {
    case 'unreachable':
      return `cannot reach ${at} (${probe.code}); check --temporal-address and that the server runs`;
    case 'not-tls':
      return `${at} does not speak TLS; drop the --temporal-tls-* settings or check --temporal-address`;
    case 'untrusted':
      return `${at} presented a certificate not signed by ${ca} (${probe.code}); pass the CA that issued the server's certificate with ${FLAG.ca}`;
    case 'wrong-name':
      return `${at} presented a certificate not valid for the name we verify (${settings.tls.serverNameOverride ?? hostAndPort(settings.address).host}; it holds ${probe.presented}); set ${FLAG.serverName} to a name in it`;
    case 'expired':
      return `${at} presented an expired certificate; renew the server's certificate`;
    case 'client-cert-required':
      return `${at} requires a client certificate (mTLS); pass ${FLAG.cert} and ${FLAG.key}`;
    case 'client-cert-refused':
      return settings.tls.clientCertPair
        ? `${at} refused our client certificate${files.certFile ? ` ${files.certFile}` : ''} (${probe.alert}); use one issued by a CA the server trusts for clients`
        : `${at} closed the connection (${probe.alert}); it likely requires a client certificate: pass ${FLAG.cert} and ${FLAG.key}`;
    case 'ok':
    case 'other':
      return `cannot connect to ${at} over TLS${probe.kind === 'other' ? ` (${probe.message})` : ''}; check --temporal-address and the --temporal-tls-* settings`;
  }
}
