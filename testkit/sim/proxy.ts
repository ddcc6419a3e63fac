// The simulated Teleport Proxy's TLS-routing listener: it peeks at each connection's ClientHello
// and, when the first ALPN protocol is `teleport-auth@<hex(cluster)>.teleport.cluster.local`,
// forwards the raw bytes to Auth (Teleport's ForwardTLS), so the client's one mTLS handshake is
// end to end with Auth. It never terminates TLS and never listens beyond 127.0.0.1.
import * as net from 'node:net';
import { AUTH_SERVER_NAME } from '../../src/teleport/certificateFields';
import { parseClientHello } from './clientHello';

const LOOPBACK = '127.0.0.1';
const AUTH_ALPN_PREFIX = 'teleport-auth@';
/** A ClientHello fits easily; anything bigger is not one. */
const MAX_HELLO_BYTES = 64 * 1024;
/** Clients send the ClientHello at once; a silent connection is not a TLS client. */
const DEFAULT_HELLO_TIMEOUT_MS = 5000;

export interface ProxyOptions {
  clusterName: string;
  authPort: number;
  port?: number;
  helloTimeoutMs?: number;
}

export interface ProxyStats {
  forwarded: number;
  refused: number;
  /** The ALPN list of the last connection seen, for tests. */
  lastAlpn: string[];
}

/** The ALPN protocol that routes to this cluster's Auth service. */
export function authAlpnProtocol(clusterName: string): string {
  return `${AUTH_ALPN_PREFIX}${Buffer.from(clusterName, 'utf8').toString('hex')}.${AUTH_SERVER_NAME}`;
}

export class TlsRoutingProxy {
  readonly stats: ProxyStats = { forwarded: 0, refused: 0, lastAlpn: [] };
  private readonly sockets = new Set<net.Socket>();

  private constructor(
    private readonly server: net.Server,
    private readonly options: ProxyOptions,
  ) {}

  get port(): number {
    const address = this.server.address();
    return typeof address === 'object' && address ? address.port : 0;
  }

  get address(): string {
    return `${LOOPBACK}:${this.port}`;
  }

  static async start(options: ProxyOptions): Promise<TlsRoutingProxy> {
    const server = net.createServer();
    const proxy = new TlsRoutingProxy(server, options);
    server.on('connection', (socket) => proxy.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, LOOPBACK, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return proxy;
  }

  async stop(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  private track(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }

  private accept(client: net.Socket): void {
    this.track(client);
    client.on('error', () => client.destroy());
    let buffered = Buffer.alloc(0);
    const refuse = () => {
      this.stats.refused++;
      client.destroy();
    };
    client.setTimeout(this.options.helloTimeoutMs ?? DEFAULT_HELLO_TIMEOUT_MS, refuse);
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const hello = parseClientHello(buffered);
      if (hello.status === 'incomplete' && buffered.length < MAX_HELLO_BYTES) return;
      client.off('data', onData);
      client.setTimeout(0);
      if (hello.status !== 'ok') return refuse();
      this.stats.lastAlpn = hello.alpn;
      // Only the first protocol routes, as in Teleport: a client that lists h2 first wants the
      // proxy's own service, which this sim does not offer.
      if (hello.alpn[0] !== authAlpnProtocol(this.options.clusterName)) return refuse();
      this.forward(client, buffered);
    };
    client.on('data', onData);
  }

  private forward(client: net.Socket, hello: Buffer): void {
    client.pause();
    const upstream = net.connect(this.options.authPort, LOOPBACK);
    // As Teleport's proxy (Go turns Nagle's algorithm off on every TCP connection): relaying small
    // gRPC frames with Nagle on stalls them behind delayed ACKs.
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    this.track(upstream);
    const teardown = () => {
      client.destroy();
      upstream.destroy();
    };
    upstream.on('error', teardown);
    client.on('error', teardown);
    client.on('close', teardown);
    upstream.on('close', teardown);
    upstream.once('connect', () => {
      this.stats.forwarded++;
      upstream.write(hello);
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
  }
}
