// Writes identity files the way `tctl auth sign --format=file` and tbot do
// (api/identityfile/identityfile.go): key, SSH certificate, TLS certificate, @cert-authority
// lines, host CA certificates, each newline-terminated, in that order. The order is the format:
// readers assign PEM blocks by position, so it must never change.
import { createPublicKey, type KeyObject } from 'node:crypto';
import {
  createCertificateAuthority,
  issueClientCertificate,
  identityKeyPem,
  type CertificateAuthority,
  type KeyType,
} from './certificates';
import { certAuthorityLine, sshUserCertificateLine } from './sshWire';

/** tbot's default certificate lifetime. */
const DEFAULT_IDENTITY_TTL_MS = 60 * 60 * 1000;
/** Issued certificates start a minute early, as Teleport's do, to absorb clock skew. */
const BACKDATE_MS = 60 * 1000;

/** A host CA as clients see it: its certificate and public key, never its private key. */
export interface HostCaTrust {
  certPem: string;
  publicKey: KeyObject;
}

/** The CAs an identity is issued under; `hostCas` lists the current host CA first. */
export interface ClusterAuthorities {
  clusterName: string;
  userCa: CertificateAuthority;
  hostCas: HostCaTrust[];
}

export function hostCaTrust(ca: CertificateAuthority): HostCaTrust {
  return { certPem: ca.certPem, publicKey: createPublicKey(ca.privateKey) };
}

export interface IssueIdentityParams {
  user: string;
  roles: string[];
  /** Access request ids carried by the certificate (Teleport's ActiveRequests). */
  activeRequests?: string[];
  /** Default: one minute ago. */
  notBefore?: Date;
  /** Default: now + ttlMs. */
  notAfter?: Date;
  /** Default one hour; ignored when notAfter is given. */
  ttlMs?: number;
  keyType?: KeyType;
  /** PKCS#8 as current Teleport writes EC keys (default); SEC1 as older versions did. */
  ecKeyFormat?: 'pkcs8' | 'sec1';
  logins?: string[];
  traits?: Record<string, string[]>;
}

/** CAs for a cluster that has no server: enough to make identities another cluster refuses. */
export async function createClusterAuthorities(
  clusterName: string,
  keyType: KeyType = 'ecdsa-p256',
): Promise<ClusterAuthorities> {
  const [hostCa, userCa] = await Promise.all([
    createCertificateAuthority(clusterName, keyType),
    createCertificateAuthority(clusterName, keyType),
  ]);
  return { clusterName, userCa, hostCas: [hostCaTrust(hostCa)] };
}

/** The identity file's text. */
export async function issueIdentityFile(
  authorities: ClusterAuthorities,
  params: IssueIdentityParams,
): Promise<string> {
  const now = Date.now();
  const notBefore = params.notBefore ?? new Date(now - BACKDATE_MS);
  const notAfter = params.notAfter ?? new Date(now + (params.ttlMs ?? DEFAULT_IDENTITY_TTL_MS));
  const issued = await issueClientCertificate(authorities.userCa, {
    user: params.user,
    roles: params.roles,
    activeRequests: params.activeRequests,
    logins: params.logins,
    traits: params.traits,
    notBefore,
    notAfter,
    keyType: params.keyType,
  });
  const sshCert = sshUserCertificateLine({
    userKey: issued.privateKey,
    caKey: authorities.userCa.privateKey,
    keyId: params.user,
    principals: [params.user],
    validAfter: notBefore,
    validBefore: notAfter,
  });
  const parts = [
    identityKeyPem(issued.privateKey, params.ecKeyFormat),
    // tctl writes the certificate line with a trailing space; readers must tolerate it.
    `${sshCert} \n`,
    issued.certPem,
    ...authorities.hostCas.map(
      (ca) => `${certAuthorityLine(authorities.clusterName, ca.publicKey)}\n`,
    ),
    ...authorities.hostCas.map((ca) => ca.certPem),
  ];
  return parts.map((p) => (p.endsWith('\n') ? p : `${p}\n`)).join('');
}
