// Reads who a Teleport client certificate says its holder is: user, roles, cluster and active
// access requests, from the subject attributes Teleport writes (see certificateFields.ts).
import { children, decodeOid, readNode, TAG } from './der';
import { OID } from './certificateFields';

const OID_COMMON_NAME = '2.5.4.3';
const OID_ORGANIZATION = '2.5.4.10';

export interface CertificateIdentity {
  user: string;
  roles: string[];
  /** From Teleport's cluster attribute, else the issuer's common name (the CA's cluster). */
  clusterName: string;
  activeRequests: string[];
}

/** Attribute OID -> values, in certificate order, for one X.509 Name. */
function readName(name: ReturnType<typeof readNode>): Map<string, string[]> {
  const attributes = new Map<string, string[]>();
  for (const rdn of children(name)) {
    for (const pair of children(rdn)) {
      const [oidNode, valueNode] = children(pair);
      if (!oidNode || !valueNode || oidNode.tag !== TAG.OID) continue;
      const oid = decodeOid(oidNode.value);
      const values = attributes.get(oid) ?? [];
      values.push(valueNode.value.toString('utf8'));
      attributes.set(oid, values);
    }
  }
  return attributes;
}

/** Reads issuer and subject from a DER-encoded certificate. */
export function readCertificateIdentity(der: Buffer): CertificateIdentity {
  const certificate = readNode(der);
  const [tbs] = children(certificate);
  if (!tbs) throw new Error('not an X.509 certificate');
  const fields = children(tbs);
  // An explicit version ([0]) shifts every later field by one.
  const base = fields[0]?.tag === TAG.CONTEXT_0 ? 1 : 0;
  const issuerNode = fields[base + 2];
  const subjectNode = fields[base + 4];
  if (!issuerNode || !subjectNode) throw new Error('not an X.509 certificate');
  const issuer = readName(issuerNode);
  const subject = readName(subjectNode);
  return {
    user: subject.get(OID_COMMON_NAME)?.[0] ?? '',
    roles: subject.get(OID_ORGANIZATION) ?? [],
    clusterName: subject.get(OID.teleportCluster)?.[0] ?? issuer.get(OID_COMMON_NAME)?.[0] ?? '',
    activeRequests: subject.get(OID.activeRequests) ?? [],
  };
}
