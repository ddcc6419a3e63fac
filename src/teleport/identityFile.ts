// Reads a Machine ID / `tctl auth sign --format=file` identity file into TLS material plus who it
// says we are. Every failure is an IdentityError with one line naming the file, the problem and
// the fix. The private key never appears in any message, log line or JSON form of the result.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs/promises';
import { readCertificateIdentity } from './certificateSubject';

export class IdentityError extends Error {
  override name = 'IdentityError';
}

/** TLS material; redacted whenever it is printed or serialised. */
export class TlsMaterial {
  constructor(
    readonly privateKeyPem: string,
    readonly certificatePem: string,
    readonly caPems: readonly string[],
  ) {}
  toJSON(): string {
    return '[redacted TLS material]';
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return '[redacted TLS material]';
  }
}

export interface Identity {
  path: string;
  user: string;
  roles: string[];
  clusterName: string;
  activeRequests: string[];
  notBefore: Date;
  notAfter: Date;
  tls: TlsMaterial;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n[\s\S]*?\r?\n-----END \1-----/g;
const REISSUE_HINT = 'regenerate it with tbot or `tctl auth sign --format=file`';

/** Reads and validates an identity file; `now` decides expiry. */
export async function readIdentityFile(path: string, now = new Date()): Promise<Identity> {
  let text: string;
  try {
    text = await fs.readFile(path, 'utf8');
  } catch (err) {
    throw new IdentityError(describeReadError(path, err));
  }
  return parseIdentity(text, path, now);
}

function describeReadError(path: string, err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') {
    return `identity file ${path} does not exist; pass the file tbot writes (its identity output) with -i`;
  }
  if (code === 'EACCES') {
    return `identity file ${path} is not readable by this user; give the watcher's user read access to it`;
  }
  if (code === 'EISDIR') {
    return `identity file ${path} is a directory; pass the identity file inside it with -i`;
  }
  return `identity file ${path} cannot be read (${code ?? 'unknown error'}); check the path passed with -i`;
}

/** Parses identity-file text; exported for tests and for reloading from memory. */
export function parseIdentity(text: string, path: string, now: Date): Identity {
  const blocks = [...text.matchAll(PEM_BLOCK)].map((m) => ({ type: m[1] ?? '', pem: m[0] + '\n' }));
  const key = blocks.find((b) => b.type.endsWith('PRIVATE KEY'));
  const certificates = blocks.filter((b) => b.type === 'CERTIFICATE');
  if (!key) throw new IdentityError(`identity file ${path} has no private key; ${REISSUE_HINT}`);
  const [userCert, ...caCerts] = certificates;
  if (!userCert) {
    throw new IdentityError(`identity file ${path} has no TLS certificate; ${REISSUE_HINT}`);
  }
  if (caCerts.length === 0) {
    throw new IdentityError(
      `identity file ${path} has no cluster CA certificate; ${REISSUE_HINT} (older tctl versions need --format=file)`,
    );
  }

  let x509: crypto.X509Certificate;
  let privateKey: crypto.KeyObject;
  try {
    x509 = new crypto.X509Certificate(userCert.pem);
    privateKey = crypto.createPrivateKey(key.pem);
  } catch {
    throw new IdentityError(
      `identity file ${path} has a damaged key or certificate; ${REISSUE_HINT}`,
    );
  }
  if (!x509.checkPrivateKey(privateKey)) {
    throw new IdentityError(
      `identity file ${path}: the private key does not match the TLS certificate; ${REISSUE_HINT}`,
    );
  }
  const notBefore = new Date(x509.validFrom);
  const notAfter = new Date(x509.validTo);
  if (now < notBefore) {
    throw new IdentityError(
      `identity file ${path} is not valid until ${notBefore.toISOString()}; check this machine's clock`,
    );
  }
  if (now >= notAfter) {
    throw new IdentityError(
      `identity file ${path} expired at ${notAfter.toISOString()}; check that tbot is running and renewing it`,
    );
  }
  const subject = readCertificateIdentity(x509.raw);
  return {
    path,
    ...subject,
    notBefore,
    notAfter,
    tls: new TlsMaterial(
      key.pem,
      userCert.pem,
      caCerts.map((c) => c.pem),
    ),
  };
}
