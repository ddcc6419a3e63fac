// startSimCluster: one simulated Teleport cluster on loopback (CAs, Auth over mTLS, the
// TLS-routing proxy listener, the store and fault knobs) behind one handle that tests,
// benchmarks and the demo share. Whoever starts a cluster must stop() it.
import { systemNow, type Now } from './clock';
import {
  createCertificateAuthority,
  issueServerCertificate,
  pkcs8KeyPem,
  type CertificateAuthority,
  type KeyType,
} from './certificates';
import { Faults } from './faults';
import {
  hostCaTrust,
  issueIdentityFile,
  type ClusterAuthorities,
  type IssueIdentityParams,
} from './identityFile';
import { TlsRoutingProxy, type ProxyStats } from './proxy';
import { createRoleRegistry, type RoleRegistry, type SimRole } from './roles';
import { SimAuthServer } from './server';
import { SimStore } from './store';
import type { ServerTlsMaterial } from './tlsProvider';

export const DEFAULT_CLUSTER_NAME = 'sim.example.com';

export interface SimClusterOptions {
  clusterName?: string;
  /** The store's clock: a function, or anything with `now` (e.g. a ManualClock). */
  clock?: Now | { now: Now };
  /** False imitates Teleport before 14.3: ListAccessRequests answers UNIMPLEMENTED. */
  listAccessRequests?: boolean;
  pendingTtlMs?: number;
  accessTtlMs?: number;
  /** Extra roles (or replacements for the built-in jit-watcher, requester, editor). */
  roles?: SimRole[];
  /** Key type of the cluster CAs and the Auth certificate. */
  keyType?: KeyType;
  authPort?: number;
  proxyPort?: number;
  /** Start the TLS-routing proxy listener (default true). */
  proxy?: boolean;
  faultSeed?: number;
  serverVersion?: string;
}

export interface RotateOptions {
  /** Sign the new Auth certificate with a new host CA (clients need a new identity file). */
  newCa?: boolean;
}

export interface SimCluster {
  readonly clusterName: string;
  /** "127.0.0.1:<port>" of the Auth gRPC service (direct mTLS). */
  readonly authAddress: string;
  /** "127.0.0.1:<port>" of the TLS-routing proxy listener; "" when disabled. */
  readonly proxyAddress: string;
  readonly store: SimStore;
  readonly faults: Faults;
  readonly roles: RoleRegistry;
  /** PEM of the host CA(s) clients should trust, current first. */
  readonly hostCaPems: string[];
  readonly proxyStats: ProxyStats | undefined;
  /** Open WatchEvents streams right now. */
  readonly openWatchStreams: number;
  /** The CAs, private keys included: for persisting a demo cluster (sim CLI), nothing else. */
  readonly authorities: ClusterAuthorities;
  /** An identity file of this cluster, as text. */
  issueIdentity(params: IssueIdentityParams): Promise<string>;
  /** New Auth certificate (optionally from a new host CA) for new connections. */
  rotateHostCertificate(options?: RotateOptions): Promise<void>;
  stop(): Promise<void>;
}

export async function startSimCluster(options: SimClusterOptions = {}): Promise<SimCluster> {
  const clusterName = options.clusterName ?? DEFAULT_CLUSTER_NAME;
  const keyType = options.keyType ?? 'ecdsa-p256';
  const clock = options.clock;
  const now: Now =
    clock === undefined ? systemNow : typeof clock === 'function' ? clock : clock.now;
  const [hostCa, userCa] = await Promise.all([
    createCertificateAuthority(clusterName, keyType),
    createCertificateAuthority(clusterName, keyType),
  ]);
  // Current host CA first; the previous one stays trusted in new identity files after rotation.
  let hostCas: CertificateAuthority[] = [hostCa];
  const serverTls = async (ca: CertificateAuthority): Promise<ServerTlsMaterial> => {
    const cert = await issueServerCertificate(ca);
    return {
      certPem: cert.certPem,
      privateKeyPem: pkcs8KeyPem(cert.privateKey),
      clientCaPems: [userCa.certPem],
    };
  };

  const store = new SimStore({
    now,
    pendingTtlMs: options.pendingTtlMs,
    accessTtlMs: options.accessTtlMs,
  });
  const roles = createRoleRegistry(options.roles);
  const faults = new Faults({ seed: options.faultSeed });
  const auth = await SimAuthServer.start({
    clusterName,
    store,
    roles,
    faults,
    tls: await serverTls(hostCa),
    port: options.authPort,
    serverVersion: options.serverVersion,
    listAccessRequests: options.listAccessRequests,
  });
  const proxy =
    options.proxy === false
      ? undefined
      : await TlsRoutingProxy.start({
          clusterName,
          authPort: auth.port,
          port: options.proxyPort,
        }).catch(async (err: unknown) => {
          await auth.stop();
          throw err;
        });

  let stopped: Promise<void> | undefined;
  return {
    clusterName,
    authAddress: auth.address,
    proxyAddress: proxy?.address ?? '',
    store,
    faults,
    roles,
    get hostCaPems() {
      return hostCas.map((ca) => ca.certPem);
    },
    get proxyStats() {
      return proxy?.stats;
    },
    get openWatchStreams() {
      return auth.openWatchStreams;
    },
    get authorities() {
      return { clusterName, userCa, hostCas: hostCas.map(hostCaTrust) };
    },
    issueIdentity: (params) =>
      issueIdentityFile({ clusterName, userCa, hostCas: hostCas.map(hostCaTrust) }, params),
    async rotateHostCertificate({ newCa = false } = {}) {
      const signer = newCa ? await createCertificateAuthority(clusterName, keyType) : hostCas[0];
      if (!signer) throw new Error('cluster has no host CA');
      if (newCa) hostCas = [signer, ...hostCas.slice(0, 1)];
      auth.updateTls(await serverTls(signer));
    },
    stop() {
      stopped ??= (async () => {
        await proxy?.stop();
        await auth.stop();
        store.close();
      })();
      return stopped;
    },
  };
}
