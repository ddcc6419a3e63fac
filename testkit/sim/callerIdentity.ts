// Who is calling, read from the verified client certificate of the mTLS connection, the way
// Teleport's authorizer reads its tlsca.Identity. Parsed with @peculiar/x509, independently of
// the client's own reader, so a disagreement between the two shows up in tests.
// x509's dependency injection needs the Reflect metadata polyfill loaded first.
import 'reflect-metadata';
import type * as grpc from '@grpc/grpc-js';
import * as x509 from '@peculiar/x509';
import { OID, SUBJECT_ROLES, SUBJECT_USER } from '../../src/teleport/certificateFields';
import { accessDenied } from './errors';

export interface Caller {
  readonly user: string;
  readonly roles: readonly string[];
  readonly clusterName: string;
  /** Access request ids the certificate was issued under. */
  readonly activeRequests: readonly string[];
}

/** Parsed callers by certificate: parsing ASN.1 on every call was the simulator's largest cost. */
const parsed = new Map<string, Caller>();
const PARSED_LIMIT = 1_000;

/** The caller a certificate names; shared between calls, so read-only. */
function callerFromCertificate(der: Buffer): Caller {
  const key = der.toString('base64');
  const known = parsed.get(key);
  if (known) return known;
  const caller = Object.freeze(parseCaller(der));
  if (parsed.size >= PARSED_LIMIT) parsed.clear();
  parsed.set(key, caller);
  return caller;
}

function parseCaller(der: Buffer): Caller {
  const subject = new x509.X509Certificate(der).subjectName;
  return {
    user: subject.getField(SUBJECT_USER)[0] ?? '',
    roles: subject.getField(SUBJECT_ROLES),
    clusterName: subject.getField(OID.teleportCluster)[0] ?? '',
    activeRequests: subject.getField(OID.activeRequests),
  };
}

/**
 * The caller of a gRPC call. grpc-js only exposes a peer certificate that TLS verified against
 * the user CA, so reaching this without one means the transport was not mTLS.
 */
export function callerOf(
  call: Pick<grpc.ServerUnaryCall<unknown, unknown>, 'getAuthContext'>,
): Caller {
  const raw = call.getAuthContext()?.sslPeerCertificate?.raw;
  if (!raw) throw accessDenied('access denied: client certificate required');
  const caller = callerFromCertificate(raw);
  if (!caller.user) throw accessDenied('access denied: certificate has no user name');
  return caller;
}
