// Where Teleport puts a user's identity inside its X.509 client certificates (lib/tlsca/ca.go).
// Shared by the identity-file reader and the simulated cluster that issues certificates, so the
// two agree by construction; the numbers themselves come from Teleport and must not drift.

/** Subject attributes: CommonName = user, Organization = roles. */
export const SUBJECT_USER = 'CN';
export const SUBJECT_ROLES = 'O';

/** Custom subject attributes (Teleport's ExtraNames), by ASN.1 object identifier. */
export const OID = {
  /** The cluster that issued the certificate (tsh falls back to the issuer's CN, as we do). */
  teleportCluster: '1.3.9999.1.7',
  /** Access request ids the certificate was issued under, one attribute each. */
  activeRequests: '1.3.9999.2.8',
} as const;

/** The name every Auth server certificate carries; used for SNI and verification. */
export const AUTH_SERVER_NAME = 'teleport.cluster.local';
