// Feeds the Auth server's TLS material to grpc-js through its certificate-provider interface,
// so a host certificate or CA rotation takes effect on new connections without a restart.
// Holds PEM text only; it never reads files or generates keys.
import type * as grpc from '@grpc/grpc-js';

type CaListener = grpc.experimental.CaCertificateUpdateListener;
type IdentityListener = grpc.experimental.IdentityCertificateUpdateListener;

export interface ServerTlsMaterial {
  /** The Auth server certificate chain. */
  certPem: string;
  privateKeyPem: string;
  /** CAs whose client certificates are accepted (the user CA, old and new during rotation). */
  clientCaPems: string[];
}

export class TlsMaterialProvider implements grpc.experimental.CertificateProvider {
  private caListeners = new Set<CaListener>();
  private identityListeners = new Set<IdentityListener>();

  constructor(private material: ServerTlsMaterial) {}

  update(material: ServerTlsMaterial): void {
    this.material = material;
    for (const l of this.caListeners) l(this.caUpdate());
    for (const l of this.identityListeners) l(this.identityUpdate());
  }

  // grpc-js subscribes before it registers the watcher that applies updates, so the first update
  // must arrive a tick later or it is lost (and the server drops every connection).
  addCaCertificateListener(listener: CaListener): void {
    this.caListeners.add(listener);
    process.nextTick(() => this.caListeners.has(listener) && listener(this.caUpdate()));
  }

  removeCaCertificateListener(listener: CaListener): void {
    this.caListeners.delete(listener);
  }

  addIdentityCertificateListener(listener: IdentityListener): void {
    this.identityListeners.add(listener);
    process.nextTick(() => this.identityListeners.has(listener) && listener(this.identityUpdate()));
  }

  removeIdentityCertificateListener(listener: IdentityListener): void {
    this.identityListeners.delete(listener);
  }

  private caUpdate() {
    return { caCertificate: Buffer.from(this.material.clientCaPems.join('\n')) };
  }

  private identityUpdate() {
    return {
      certificate: Buffer.from(this.material.certPem),
      privateKey: Buffer.from(this.material.privateKeyPem),
    };
  }
}
