// X.509 material of a simulated cluster: self-signed host and user CAs, the Auth server
// certificate and client certificates that encode a Teleport identity exactly where
// src/teleport/certificateFields.ts says Teleport puts it. Never hard-code an OID or the server
// name here: the shared constants are the contract with the client.
// x509's dependency injection needs the Reflect metadata polyfill loaded first.
import 'reflect-metadata';
import { createPrivateKey, createPublicKey, KeyObject, randomBytes, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import {
  AUTH_SERVER_NAME,
  OID,
  SUBJECT_ROLES,
  SUBJECT_USER,
} from '../../src/teleport/certificateFields';

/** ECDSA P-256 is Teleport's "balanced" suite; RSA-2048 its legacy one. */
export type KeyType = 'ecdsa-p256' | 'rsa-2048';

/** CAs outlive any test; clients choose their own validity. */
const CA_VALIDITY_MS = 10 * 365 * 24 * 60 * 60 * 1000;
/** Subject attributes Teleport also writes (Go's pkix names): logins, route, traits. */
const OID_LOCALITY = '2.5.4.7';
const OID_STREET = '2.5.4.9';
const OID_POSTAL_CODE = '2.5.4.17';
/** Issued certificates start slightly in the past, as Teleport's do, to absorb clock skew. */
const BACKDATE_MS = 60 * 1000;

// @peculiar/x509 is typed against the DOM's Crypto, which this project's lib settings leave
// unresolved; node's webcrypto is the same API, passed explicitly so no global provider is set.
type X509Crypto = Parameters<typeof x509.X509CertificateGenerator.create>[1];
const cryptoImpl: X509Crypto = webcrypto;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

export interface KeyMaterial {
  keyType: KeyType;
  keys: CryptoKeyPair;
  /** The private key as a node KeyObject, for PEM export and SSH signing. */
  privateKey: KeyObject;
}

export interface CertificateAuthority extends KeyMaterial {
  clusterName: string;
  cert: x509.X509Certificate;
  certPem: string;
}

export interface IssuedCertificate extends KeyMaterial {
  cert: x509.X509Certificate;
  certPem: string;
}

function keyAlgorithm(keyType: KeyType) {
  return keyType === 'rsa-2048'
    ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }
    : { name: 'ECDSA', namedCurve: 'P-256' };
}

async function generateKey(keyType: KeyType): Promise<KeyMaterial> {
  const algorithm =
    keyType === 'rsa-2048'
      ? { ...keyAlgorithm(keyType), modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) }
      : keyAlgorithm(keyType);
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  return { keyType, keys, privateKey: KeyObject.from(keys.privateKey) };
}

function signingAlgorithm(keyType: KeyType): webcrypto.Algorithm | webcrypto.EcdsaParams {
  return keyType === 'rsa-2048'
    ? { name: 'RSASSA-PKCS1-v1_5' }
    : { name: 'ECDSA', hash: 'SHA-256' };
}

/** A positive 128-bit serial, as hex. */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return bytes.toString('hex');
}

/** A self-signed CA with subject CN=O=<cluster>, as Teleport's host and user CAs have. */
export async function createCertificateAuthority(
  clusterName: string,
  keyType: KeyType = 'ecdsa-p256',
): Promise<CertificateAuthority> {
  const material = await generateKey(keyType);
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: serialNumber(),
      name: [{ [SUBJECT_ROLES]: [clusterName] }, { [SUBJECT_USER]: [clusterName] }],
      notBefore: new Date(now - BACKDATE_MS),
      notAfter: new Date(now + CA_VALIDITY_MS),
      signingAlgorithm: signingAlgorithm(keyType),
      keys: material.keys,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.keyCertSign |
            x509.KeyUsageFlags.cRLSign |
            x509.KeyUsageFlags.digitalSignature,
          true,
        ),
        await x509.SubjectKeyIdentifierExtension.create(material.keys.publicKey, false, cryptoImpl),
      ],
    },
    cryptoImpl,
  );
  return { ...material, clusterName, cert, certPem: cert.toString('pem') };
}

/** A CA saved earlier (certificate PEM + private key PEM), e.g. by `sim start`. */
export async function loadCertificateAuthority(
  clusterName: string,
  certPem: string,
  keyPem: string,
): Promise<CertificateAuthority> {
  const privateKey = createPrivateKey(keyPem);
  const keyType: KeyType = privateKey.asymmetricKeyType === 'rsa' ? 'rsa-2048' : 'ecdsa-p256';
  const algorithm = keyAlgorithm(keyType);
  const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' });
  const spki = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  const keys: CryptoKeyPair = {
    privateKey: await webcrypto.subtle.importKey('pkcs8', pkcs8, algorithm, true, ['sign']),
    publicKey: await webcrypto.subtle.importKey('spki', spki, algorithm, true, ['verify']),
  };
  const cert = new x509.X509Certificate(certPem);
  return { clusterName, keyType, keys, privateKey, cert, certPem: cert.toString('pem') };
}

/** A subject whose values are strings (encoded PrintableString) or explicit UTF8Strings. */
type SubjectItems = Array<Record<string, Array<string | { utf8String: string }>>>;

interface LeafParams {
  subject: x509.JsonName;
  notBefore: Date;
  notAfter: Date;
  keyType: KeyType;
  usages: string[];
  dnsNames?: string[];
}

async function issueLeaf(ca: CertificateAuthority, p: LeafParams): Promise<IssuedCertificate> {
  const material = await generateKey(p.keyType);
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(
      x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
      true,
    ),
    new x509.ExtendedKeyUsageExtension(p.usages, false),
    await x509.AuthorityKeyIdentifierExtension.create(ca.keys.publicKey, false, cryptoImpl),
  ];
  if (p.dnsNames && p.dnsNames.length > 0) {
    const names = p.dnsNames.map((value) => ({ type: 'dns' as const, value }));
    extensions.push(new x509.SubjectAlternativeNameExtension(names, false));
  }
  const cert = await x509.X509CertificateGenerator.create(
    {
      serialNumber: serialNumber(),
      subject: p.subject,
      issuer: ca.cert.subjectName,
      notBefore: p.notBefore,
      notAfter: p.notAfter,
      signingAlgorithm: signingAlgorithm(ca.keyType),
      publicKey: material.keys.publicKey,
      signingKey: ca.keys.privateKey,
      extensions,
    },
    cryptoImpl,
  );
  return { ...material, cert, certPem: cert.toString('pem') };
}

/** The Auth server's certificate: the name every client verifies, signed by the host CA. */
export async function issueServerCertificate(
  hostCa: CertificateAuthority,
  validForMs: number = CA_VALIDITY_MS,
): Promise<IssuedCertificate> {
  const now = Date.now();
  return issueLeaf(hostCa, {
    subject: [{ [SUBJECT_ROLES]: ['Auth'] }, { [SUBJECT_USER]: [`auth.${hostCa.clusterName}`] }],
    notBefore: new Date(now - BACKDATE_MS),
    notAfter: new Date(now + validForMs),
    keyType: hostCa.keyType,
    usages: [x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth],
    dnsNames: [AUTH_SERVER_NAME, `*.${AUTH_SERVER_NAME}`],
  });
}

export interface ClientCertificateParams {
  user: string;
  roles: string[];
  /** SSH logins (Teleport's principals), written as Locality (L). */
  logins?: string[];
  /** The user's traits, written as JSON in PostalCode, as Teleport does. */
  traits?: Record<string, string[]>;
  activeRequests?: string[];
  notBefore: Date;
  notAfter: Date;
  keyType?: KeyType;
}

/**
 * A user's TLS certificate, its subject as lib/tlsca/ca.go Identity.Subject() writes it:
 * L = logins, STREET = the cluster to route to, PostalCode = traits as JSON, O = roles,
 * CN = user, then Teleport's extra names (cluster, active requests).
 */
export async function issueClientCertificate(
  userCa: CertificateAuthority,
  p: ClientCertificateParams,
): Promise<IssuedCertificate> {
  // Go's pkix.Name order: L, STREET, PostalCode, O, CN, then ExtraNames one per RDN.
  const subject: SubjectItems = [];
  const logins = p.logins ?? [p.user];
  if (logins.length > 0) subject.push({ [OID_LOCALITY]: [...logins] });
  subject.push({ [OID_STREET]: [userCa.clusterName] });
  // JSON is no PrintableString: Go writes it as a UTF8String.
  subject.push({ [OID_POSTAL_CODE]: [{ utf8String: JSON.stringify(p.traits ?? { logins }) }] });
  if (p.roles.length > 0) subject.push({ [SUBJECT_ROLES]: [...p.roles] });
  subject.push({ [SUBJECT_USER]: [p.user] });
  subject.push({ [OID.teleportCluster]: [userCa.clusterName] });
  for (const id of p.activeRequests ?? []) subject.push({ [OID.activeRequests]: [id] });
  return issueLeaf(userCa, {
    // The library encodes `{ utf8String }` values as given (its JsonName type lists strings only).
    subject: subject as unknown as x509.JsonName,
    notBefore: p.notBefore,
    notAfter: p.notAfter,
    keyType: p.keyType ?? 'ecdsa-p256',
    usages: [x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth],
  });
}

/**
 * The key as current Teleport writes it (api/utils/keys/privatekey.go MarshalPrivateKey): RSA as PKCS#1
 * (`RSA PRIVATE KEY`), EC as PKCS#8 (`PRIVATE KEY`); older versions wrote EC keys as SEC1
 * (`EC PRIVATE KEY`), which `sec1` gives for reader tests.
 */
export function identityKeyPem(key: KeyObject, ecFormat: 'pkcs8' | 'sec1' = 'pkcs8'): string {
  const type = key.asymmetricKeyType === 'rsa' ? 'pkcs1' : ecFormat;
  return key.export({ type, format: 'pem' }).toString();
}

/** PKCS#8 PEM, which every TLS stack accepts, for the server's own key. */
export function pkcs8KeyPem(key: KeyObject): string {
  return key.export({ type: 'pkcs8', format: 'pem' }).toString();
}
