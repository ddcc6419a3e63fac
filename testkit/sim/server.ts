// The simulated Teleport Auth server: grpc-js over mTLS on loopback, serving the AuthService from
// Teleport's own .proto through its generated AuthServiceHandlers type. It trusts only the
// cluster's user CA, presents a certificate for teleport.cluster.local signed by the host CA, and
// never listens beyond 127.0.0.1.
import * as grpc from '@grpc/grpc-js';
import type { AuthServiceHandlers } from '../../src/teleport/generated/proto/AuthService';
import type { PingRequest__Output } from '../../src/teleport/generated/proto/PingRequest';
import { authServiceDefinition } from '../../src/teleport/proto';
import { Authorizer } from './authorizer';
import { StatusError } from './errors';
import { Faults } from './faults';
import { unary, type HandlerContext } from './handlerContext';
import { lockHandlers } from './lockHandlers';
import { requestHandlers } from './requestHandlers';
import type { RoleRegistry } from './roles';
import type { SimStore } from './store';
import { TlsMaterialProvider, type ServerTlsMaterial } from './tlsProvider';
import { WatchStreams, watchHandler } from './watchHandler';

/** The Teleport release the sim claims to be (Ping.ServerVersion). */
export const SIM_SERVER_VERSION = '17.4.8';
const LOOPBACK = '127.0.0.1';

export interface AuthServerOptions {
  clusterName: string;
  store: SimStore;
  roles: RoleRegistry;
  tls: ServerTlsMaterial;
  faults?: Faults;
  /** 0 (default) picks a free port. */
  port?: number;
  serverVersion?: string;
  /** False imitates Teleport before 14.3 (no ListAccessRequests). Default true. */
  listAccessRequests?: boolean;
  proxyPublicAddr?: string;
}

export class SimAuthServer {
  private constructor(
    private readonly server: grpc.Server,
    private readonly tlsProvider: TlsMaterialProvider,
    private readonly streams: WatchStreams,
    readonly port: number,
    readonly faults: Faults,
  ) {}

  /** "127.0.0.1:<port>". */
  get address(): string {
    return `${LOOPBACK}:${this.port}`;
  }

  /** Open WatchEvents streams, for tests that wait for a watcher to (re)connect. */
  get openWatchStreams(): number {
    return this.streams.size;
  }

  static async start(options: AuthServerOptions): Promise<SimAuthServer> {
    const faults = options.faults ?? new Faults();
    const ctx: HandlerContext = {
      clusterName: options.clusterName,
      serverVersion: options.serverVersion ?? SIM_SERVER_VERSION,
      store: options.store,
      authorizer: new Authorizer(options.store, options.roles),
      faults,
      listAccessRequests: options.listAccessRequests ?? true,
    };
    const streams = new WatchStreams();
    const server = new grpc.Server();
    const handlers: AuthServiceHandlers = {
      Ping: unary(ctx, 'Ping', (_req: PingRequest__Output, _caller, call) => ({
        ClusterName: ctx.clusterName,
        ServerVersion: ctx.serverVersion,
        ProxyPublicAddr: options.proxyPublicAddr ?? '',
        IsBoring: false,
        RemoteAddr: call.getPeer(),
      })),
      ...requestHandlers(ctx),
      ...lockHandlers(ctx),
      WatchEvents: watchHandler(ctx, streams),
    };
    server.addService(authServiceDefinition(), handlers);
    const tlsProvider = new TlsMaterialProvider(options.tls);
    // The same provider serves identity and CA updates, so grpc-js's argument order is moot.
    const credentials = grpc.experimental.createCertificateProviderServerCredentials(
      tlsProvider,
      tlsProvider,
      true,
    );
    const port = await new Promise<number>((resolve, reject) => {
      server.bindAsync(`${LOOPBACK}:${options.port ?? 0}`, credentials, (err, bound) =>
        err ? reject(err) : resolve(bound),
      );
    });
    // The TLS material reaches grpc-js a tick after binding (see TlsMaterialProvider).
    await new Promise((resolve) => setImmediate(resolve));
    return new SimAuthServer(server, tlsProvider, streams, port, faults);
  }

  /** Swaps the server certificate and trusted CAs for new connections (CA rotation). */
  updateTls(material: ServerTlsMaterial): void {
    this.tlsProvider.update(material);
  }

  /** Ends watch streams (UNAVAILABLE, as a restarting Auth would) and closes every connection. */
  async stop(): Promise<void> {
    this.streams.closeAll(new StatusError(grpc.status.UNAVAILABLE, 'auth server is shutting down'));
    await new Promise<void>((resolve) => {
      // Unary calls finish within milliseconds; a grace period avoids cutting their answers.
      const force = setTimeout(() => this.server.forceShutdown(), 200);
      this.server.tryShutdown(() => {
        clearTimeout(force);
        resolve();
      });
    });
  }
}
