// The OpenSSH lines of an identity file: the user's SSH certificate and the host CA's
// `@cert-authority` line, in real OpenSSH wire format (RFC 4253 / PROTOCOL.certkeys) so any
// parser that reads them succeeds. jit-watcher never uses SSH; these lines must only be plausible,
// never trusted by anything in this project.
import { createPublicKey, randomBytes, sign, type KeyObject } from 'node:crypto';

const CERT_TYPE_USER = 1;
/** Extensions tsh certificates carry; names sorted as OpenSSH requires. */
const USER_EXTENSIONS = ['permit-agent-forwarding', 'permit-port-forwarding', 'permit-pty'];

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

function u64(n: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(n);
  return b;
}

function str(data: Buffer | string): Buffer {
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  return Buffer.concat([u32(buf.length), buf]);
}

/** SSH mpint: big-endian, minimal, with a leading zero when the top bit is set. */
function mpint(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  let body = bytes.subarray(start);
  if ((body[0] ?? 0) & 0x80) body = Buffer.concat([Buffer.from([0]), body]);
  return str(body);
}

/** The key-type name and the type-specific public fields, from a key's JWK. */
function keyParts(key: KeyObject): { type: string; fields: Buffer } {
  const jwk = (key.type === 'public' ? key : createPublicKey(key)).export({ format: 'jwk' });
  if (jwk.kty === 'EC' && jwk.x && jwk.y) {
    const point = Buffer.concat([
      Buffer.from([4]),
      Buffer.from(jwk.x, 'base64url'),
      Buffer.from(jwk.y, 'base64url'),
    ]);
    return { type: 'ecdsa-sha2-nistp256', fields: Buffer.concat([str('nistp256'), str(point)]) };
  }
  if (jwk.kty === 'RSA' && jwk.e && jwk.n) {
    const fields = Buffer.concat([
      mpint(Buffer.from(jwk.e, 'base64url')),
      mpint(Buffer.from(jwk.n, 'base64url')),
    ]);
    return { type: 'ssh-rsa', fields };
  }
  throw new Error(`unsupported SSH key type ${String(jwk.kty)}`);
}

function publicKeyBlob(key: KeyObject): { type: string; blob: Buffer } {
  const { type, fields } = keyParts(key);
  return { type, blob: Buffer.concat([str(type), fields]) };
}

function signatureBlob(caKey: KeyObject, data: Buffer): Buffer {
  if (caKey.asymmetricKeyType === 'ec') {
    const raw = sign('sha256', data, { key: caKey, dsaEncoding: 'ieee-p1363' });
    const inner = Buffer.concat([mpint(raw.subarray(0, 32)), mpint(raw.subarray(32))]);
    return Buffer.concat([str('ecdsa-sha2-nistp256'), str(inner)]);
  }
  return Buffer.concat([str('rsa-sha2-256'), str(sign('sha256', data, caKey))]);
}

export interface SshCertParams {
  userKey: KeyObject;
  caKey: KeyObject;
  keyId: string;
  principals: string[];
  validAfter: Date;
  validBefore: Date;
}

/** One authorized_keys-style certificate line, e.g. `ecdsa-sha2-nistp256-cert-v01@openssh.com AAAA...`. */
export function sshUserCertificateLine(p: SshCertParams): string {
  const { type, fields } = keyParts(p.userKey);
  const certType = `${type}-cert-v01@openssh.com`;
  const extensions = Buffer.concat(
    USER_EXTENSIONS.map((name) => Buffer.concat([str(name), str('')])),
  );
  const body = Buffer.concat([
    str(certType),
    str(randomBytes(32)),
    fields,
    u64(BigInt(randomBytes(6).readUIntBE(0, 6))),
    u32(CERT_TYPE_USER),
    str(p.keyId),
    str(Buffer.concat(p.principals.map((x) => str(x)))),
    u64(BigInt(Math.floor(p.validAfter.getTime() / 1000))),
    u64(BigInt(Math.floor(p.validBefore.getTime() / 1000))),
    str(''),
    str(extensions),
    str(''),
    str(publicKeyBlob(p.caKey).blob),
  ]);
  const cert = Buffer.concat([body, str(signatureBlob(p.caKey, body))]);
  return `${certType} ${cert.toString('base64')}`;
}

/** The known_hosts line that trusts the cluster's host CA for the cluster and its subdomains. */
export function certAuthorityLine(clusterName: string, hostCaKey: KeyObject): string {
  // Any key of the CA will do: only its public half is written.
  const { type, blob } = publicKeyBlob(hostCaKey);
  return `@cert-authority ${clusterName},*.${clusterName} ${type} ${blob.toString('base64')} type=host`;
}
