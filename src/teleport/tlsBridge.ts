// Why a bridge: to pass through a Teleport Proxy in TLS-routing mode (port 443, the only port on
// Teleport Cloud) the client must offer ALPN `teleport-auth@<hex cluster>.teleport.cluster.local`
// before `h2`, and grpc-js hard-codes ALPN ['h2'] on the TLS sockets it creates. Its secure
// connector hook is internal (underscore-prefixed) API, so we do not build on it. Instead grpc-js
// speaks plaintext HTTP/2 to a unix socket in a private (0700) directory of this process, and
// each accepted socket is piped into our own `tls.connect`: mTLS with the identity's key and
// certificate, the cluster CA as the only trust root, SNI and verification against
// teleport.cluster.local. The same dial works against an Auth server directly (it ignores the
// unknown ALPN entry and picks h2). Verification is never turned off. A unix socket, not a
// loopback port, keeps other local users from borrowing our mTLS session. Swapping the identity
// affects new connections only, so calls in flight finish on the old one.
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { AUTH_SERVER_NAME } from './certificateFields';
import type { Identity } from './identityFile';

const HANDSHAKE_TIMEOUT_MS = 15_000;

function teleportAuthAlpn(clusterName: string): string {
  return `teleport-auth@${Buffer.from(clusterName, 'utf8').toString('hex')}.${AUTH_SERVER_NAME}`;
}

export interface BridgeTarget {
  host: string;
  port: number;
}

function parseAddress(address: string): BridgeTarget {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(address.trim());
  const port = match ? Number(match[3]) : NaN;
  if (!match || port < 1 || port > 65535) {
    throw new Error(
      `Teleport address "${address}" is not host:port; pass e.g. -p teleport.example.com:443`,
    );
  }
  return { host: (match[1] ?? match[2]) as string, port };
}

export class TlsBridge {
  private readonly server: net.Server;
  private readonly dir: string;
  readonly socketPath: string;
  private identity: Identity;
  private sockets = new Set<net.Socket>();
  /** The last TLS or TCP failure, so a dropped gRPC connection can say why. */
  lastError: string | undefined;

  private constructor(
    private readonly target: BridgeTarget,
    identity: Identity,
  ) {
    this.identity = identity;
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jit-watcher-'));
    fs.chmodSync(this.dir, 0o700);
    this.socketPath = path.join(this.dir, 'teleport.sock');
    this.server = net.createServer((local) => this.forward(local));
  }

  static async start(address: string, identity: Identity): Promise<TlsBridge> {
    const bridge = new TlsBridge(parseAddress(address), identity);
    await new Promise<void>((resolve, reject) => {
      bridge.server.once('error', reject);
      bridge.server.listen(bridge.socketPath, () => resolve());
    });
    return bridge;
  }

  /** The grpc-js target for this bridge. */
  get grpcTarget(): string {
    return `unix:${this.socketPath}`;
  }

  currentIdentity(): Identity {
    return this.identity;
  }

  /** New connections use the new identity; existing ones keep theirs until they close. */
  setIdentity(identity: Identity): void {
    this.identity = identity;
  }

  private forward(local: net.Socket): void {
    const { tls: material, clusterName } = this.identity;
    const remote = tls.connect({
      host: this.target.host,
      port: this.target.port,
      servername: AUTH_SERVER_NAME,
      ALPNProtocols: [teleportAuthAlpn(clusterName), 'h2'],
      key: material.privateKeyPem,
      cert: material.certificatePem,
      ca: [...material.caPems],
      rejectUnauthorized: true,
      checkServerIdentity: (_host, cert) => tls.checkServerIdentity(AUTH_SERVER_NAME, cert),
    });
    // gRPC writes small frames and waits for small answers: with Nagle's algorithm each call could
    // wait on a delayed ACK (grpc-js turns it off on the sockets it opens itself). Turning it off
    // took a loopback call from ~0.45 to ~0.23 ms under load (bench/RESULTS.md).
    remote.setNoDelay(true);
    this.sockets.add(local).add(remote);
    remote.setTimeout(HANDSHAKE_TIMEOUT_MS, () =>
      remote.destroy(new Error(`no TLS handshake with ${this.describeTarget()} within 15 s`)),
    );
    remote.once('secureConnect', () => {
      remote.setTimeout(0);
      if (remote.alpnProtocol !== 'h2') {
        remote.destroy(
          new Error(
            `${this.describeTarget()} did not negotiate HTTP/2 (got ${String(remote.alpnProtocol)})`,
          ),
        );
        return;
      }
      this.lastError = undefined;
    });
    const fail = (err: Error): void => {
      this.lastError = describeTlsError(err, this.describeTarget());
      local.destroy();
    };
    remote.on('error', fail);
    local.on('error', () => remote.destroy());
    local.on('close', () => {
      remote.destroy();
      this.sockets.delete(local);
    });
    let received = 0;
    remote.on('data', (chunk: Buffer) => (received += chunk.length));
    remote.on('close', () => {
      // With TLS 1.3 the server checks our certificate after the client considers the handshake
      // done; a refusal then looks like a close before the first byte.
      if (received === 0 && remote.alpnProtocol && !this.lastError) {
        this.lastError = `${this.describeTarget()} closed the connection right after the TLS handshake: it refused our client certificate (expired, or from another cluster); renew the identity file`;
      }
      local.destroy();
      this.sockets.delete(remote);
    });
    local.pipe(remote);
    remote.pipe(local);
  }

  private describeTarget(): string {
    return `${this.target.host}:${this.target.port}`;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** One line on why a TLS dial failed, with the likely fix. */
function describeTlsError(err: Error, target: string): string {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  if (code === 'ECONNREFUSED') return `connection to ${target} refused; check the address and port`;
  if (code === 'ENOTFOUND') return `cannot resolve ${target}; check the host name`;
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || /wrong version number/i.test(err.message)) {
    return `${target} does not speak TLS (it answered in plain text, e.g. a plain HTTP port); point -p at Teleport's TLS address (the proxy, usually :443 or :3080, or auth on :3025)`;
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return `${target} is not a Teleport Auth or Proxy (its certificate is not for ${AUTH_SERVER_NAME})`;
  }
  if (
    code.startsWith('UNABLE_TO_VERIFY') ||
    code === 'SELF_SIGNED_CERT_IN_CHAIN' ||
    code === 'DEPTH_ZERO_SELF_SIGNED_CERT'
  ) {
    return `${target} presented a certificate not signed by the identity's cluster CA; check -p points at the cluster the identity file is for`;
  }
  if (code === 'CERT_HAS_EXPIRED') return `${target} presented an expired certificate`;
  if (/certificate (expired|unknown)|bad certificate|unknown ca/i.test(err.message)) {
    return `${target} refused our client certificate (${err.message.trim()}); renew the identity file`;
  }
  return `${target}: ${err.message}`;
}
