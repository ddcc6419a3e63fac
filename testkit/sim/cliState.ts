// The directory a `sim start` leaves for other processes: cluster.json (addresses), the admin
// and jit-watcher identity files, and the CAs so `sim issue-identity` can sign more. It is a
// throwaway demo cluster's state; private keys are written 0600 and never printed.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { X509Certificate } from 'node:crypto';
import { loadCertificateAuthority, pkcs8KeyPem } from './certificates';
import type { ClusterAuthorities } from './identityFile';

export const STATE_FILES = {
  cluster: 'cluster.json',
  admin: 'admin.identity',
  watcher: 'jit-watcher.identity',
  userCaCert: path.join('ca', 'user-ca.pem'),
  userCaKey: path.join('ca', 'user-ca.key'),
  hostCaCerts: path.join('ca', 'host-ca.pem'),
} as const;

export interface ClusterFile {
  clusterName: string;
  authAddress: string;
  proxyAddress: string;
  adminIdentity: string;
  watcherIdentity: string;
  pid: number;
  startedAt: string;
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----\n?/g;

export async function writeSecret(file: string, text: string): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, text, { mode: 0o600 });
  // writeFile keeps the mode of an existing file; make sure an old one is tightened too.
  await fs.chmod(file, 0o600);
}

export async function writeAuthorities(dir: string, a: ClusterAuthorities): Promise<void> {
  await fs.mkdir(path.join(dir, 'ca'), { recursive: true });
  await fs.writeFile(path.join(dir, STATE_FILES.userCaCert), a.userCa.certPem);
  await writeSecret(path.join(dir, STATE_FILES.userCaKey), pkcs8KeyPem(a.userCa.privateKey));
  await fs.writeFile(
    path.join(dir, STATE_FILES.hostCaCerts),
    a.hostCas.map((c) => c.certPem).join(''),
  );
}

export async function loadAuthorities(
  dir: string,
  clusterName: string,
): Promise<ClusterAuthorities> {
  const read = (f: string) => fs.readFile(path.join(dir, f), 'utf8');
  const userCa = await loadCertificateAuthority(
    clusterName,
    await read(STATE_FILES.userCaCert),
    await read(STATE_FILES.userCaKey),
  );
  const hostPems = [...(await read(STATE_FILES.hostCaCerts)).matchAll(PEM_CERT)].map((m) => m[0]);
  return {
    clusterName,
    userCa,
    hostCas: hostPems.map((certPem) => ({
      certPem,
      publicKey: new X509Certificate(certPem).publicKey,
    })),
  };
}

export async function writeClusterFile(dir: string, file: ClusterFile): Promise<void> {
  await fs.writeFile(path.join(dir, STATE_FILES.cluster), `${JSON.stringify(file, null, 2)}\n`);
}

/** The running sim's description, or a one-line error that says how to start one. */
export async function readClusterFile(dir: string): Promise<ClusterFile> {
  try {
    return JSON.parse(
      await fs.readFile(path.join(dir, STATE_FILES.cluster), 'utf8'),
    ) as ClusterFile;
  } catch {
    throw new Error(`no running sim in ${dir} (start one with: sim start --dir ${dir})`);
  }
}

export async function removeClusterFile(dir: string): Promise<void> {
  await fs.rm(path.join(dir, STATE_FILES.cluster), { force: true });
}
