// The certificates a self-hosted Temporal cluster with mTLS runs on, made fresh for each run: a CA
// that signs the frontend's certificate and the clients' (workers, CLI, the server's own system
// worker and admin tools), and a second, unrelated CA for "wrong CA" tests. Written as PEM files,
// keys 0600; nothing here is ever logged.
import 'reflect-metadata'; // @peculiar/x509's dependency injection needs it loaded first
import { KeyObject, randomBytes, webcrypto } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as x509 from '@peculiar/x509';

/** The name in the frontend's certificate; clients connect to 127.0.0.1 and verify this name. */
export const FRONTEND_SERVER_NAME = 'frontend.temporal.test';

const VALIDITY_MS = 24 * 60 * 60 * 1000; // one run; the CA and leaves die with the temp folder
const BACKDATE_MS = 60 * 1000; // absorb clock skew, as real CAs do
const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' };
const SIGNING = { name: 'ECDSA', hash: 'SHA-256' };
// @peculiar/x509 is typed against the DOM's Crypto, which this project's lib settings leave
// unresolved; node's webcrypto is the same API, passed explicitly so no global provider is set.
type X509Crypto = Parameters<typeof x509.X509CertificateGenerator.create>[1];
const cryptoImpl: X509Crypto = webcrypto;

export interface CertFiles {
  cert: string;
  key: string;
}

export interface TemporalPki {
  /** The CA that signed everything below: servers' and clients' trust anchor. */
  caFile: string;
  /** A CA nothing here is signed by. */
  otherCaFile: string;
  /** The frontend's certificate, for FRONTEND_SERVER_NAME. */
  frontend: CertFiles;
  /** The server's system worker connecting to its own frontend. */
  systemWorker: CertFiles;
  /** Admin tools at setup (the temporal CLI registering search attributes) and test probes. */
  admin: CertFiles;
  /** jit-watcher's workers and CLI. */
  watcher: CertFiles;
  /** A client certificate signed by the other CA: the server must refuse it. */
  stranger: CertFiles;
}

interface Ca {
  keys: webcrypto.CryptoKeyPair;
  cert: x509.X509Certificate;
}

async function newKeys(): Promise<webcrypto.CryptoKeyPair> {
  return await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
}

function serial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f; // positive
  return bytes.toString('hex');
}

async function createCa(name: string): Promise<Ca> {
  const keys = await newKeys();
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: serial(),
      name: `CN=${name}`,
      notBefore: new Date(now - BACKDATE_MS),
      notAfter: new Date(now + VALIDITY_MS),
      signingAlgorithm: SIGNING,
      keys,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
          true,
        ),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, cryptoImpl),
      ],
    },
    cryptoImpl,
  );
  return { keys, cert };
}

async function issue(
  ca: Ca,
  commonName: string,
  usage: 'server' | 'client',
): Promise<{ certPem: string; keyPem: string }> {
  const keys = await newKeys();
  const now = Date.now();
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension(
      [usage === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth],
      false,
    ),
    await x509.AuthorityKeyIdentifierExtension.create(ca.keys.publicKey, false, cryptoImpl),
  ];
  // Only a DNS name, no IP: clients reaching 127.0.0.1 must name the server they expect.
  if (usage === 'server')
    extensions.push(
      new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: commonName }], false),
    );
  const cert = await x509.X509CertificateGenerator.create(
    {
      serialNumber: serial(),
      subject: `CN=${commonName}`,
      issuer: ca.cert.subjectName,
      notBefore: new Date(now - BACKDATE_MS),
      notAfter: new Date(now + VALIDITY_MS),
      signingAlgorithm: SIGNING,
      publicKey: keys.publicKey,
      signingKey: ca.keys.privateKey,
      extensions,
    },
    cryptoImpl,
  );
  const keyPem = KeyObject.from(keys.privateKey)
    .export({ type: 'pkcs8', format: 'pem' })
    .toString();
  return { certPem: cert.toString('pem'), keyPem };
}

/** Makes the PKI in `dir` (which the caller removes). */
export async function createTemporalPki(dir: string): Promise<TemporalPki> {
  const write = (name: string, text: string, mode = 0o644): string => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text, { mode });
    return file;
  };
  const leaf = async (ca: Ca, name: string, usage: 'server' | 'client'): Promise<CertFiles> => {
    const { certPem, keyPem } = await issue(
      ca,
      usage === 'server' ? name : `${name}.client`,
      usage,
    );
    return { cert: write(`${name}.pem`, certPem), key: write(`${name}.key`, keyPem, 0o600) };
  };
  const ca = await createCa('jit-watcher test Temporal CA');
  const other = await createCa('some other CA');
  return {
    caFile: write('ca.pem', ca.cert.toString('pem')),
    otherCaFile: write('other-ca.pem', other.cert.toString('pem')),
    frontend: await leaf(ca, FRONTEND_SERVER_NAME, 'server'),
    systemWorker: await leaf(ca, 'system-worker', 'client'),
    admin: await leaf(ca, 'admin', 'client'),
    watcher: await leaf(ca, 'jit-watcher', 'client'),
    stranger: await leaf(other, 'stranger', 'client'),
  };
}
