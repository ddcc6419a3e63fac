// Identity files the simulated cluster issues: Teleport's item order, key encodings and the
// identity encoded in the TLS certificate, checked with node's own X.509 parser.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { before, describe, test } from 'node:test';
import {
  createClusterAuthorities,
  issueIdentityFile,
  type ClusterAuthorities,
} from '../../../testkit/sim';
import { OID } from '../../../src/teleport/certificateFields';
import { parseIdentity } from '../../../src/teleport/identityFile';

const PEM = /-----BEGIN ([A-Z ]+)-----[\s\S]*?-----END \1-----\n/g;

/** The file as a list of item kinds, in order: PEM types and the two kinds of lines. */
function itemKinds(text: string): string[] {
  const kinds: string[] = [];
  let rest = text;
  while (rest.length > 0) {
    const pem = /^-----BEGIN ([A-Z ]+)-----[\s\S]*?-----END \1-----\n/.exec(rest);
    if (pem) {
      kinds.push(pem[1] ?? '');
      rest = rest.slice(pem[0].length);
      continue;
    }
    const line = rest.slice(0, rest.indexOf('\n') + 1);
    assert.ok(line.endsWith('\n'), 'every item is newline-terminated');
    kinds.push(line.startsWith('@cert-authority') ? '@cert-authority' : (line.split(' ')[0] ?? ''));
    rest = rest.slice(line.length);
  }
  return kinds;
}

function userCertificate(text: string): X509Certificate {
  const blocks = [...text.matchAll(PEM)].map((m) => m[0]);
  return new X509Certificate(blocks[1] ?? '');
}

describe('issueIdentityFile', () => {
  let cluster: ClusterAuthorities;
  before(async () => {
    cluster = await createClusterAuthorities('sim.example.com');
  });

  // Current Teleport writes EC keys as PKCS#8 (api/utils/keys/privatekey.go MarshalPrivateKey).
  test('an ECDSA identity lists key, SSH cert, TLS cert, CA line, CA cert in that order', async () => {
    const text = await issueIdentityFile(cluster, { user: 'bot', roles: ['jit-watcher'] });
    assert.deepEqual(itemKinds(text), [
      'PRIVATE KEY',
      'ecdsa-sha2-nistp256-cert-v01@openssh.com',
      'CERTIFICATE',
      '@cert-authority',
      'CERTIFICATE',
    ]);
    assert.match(
      text,
      /\n@cert-authority sim\.example\.com,\*\.sim\.example\.com ecdsa-sha2-nistp256 \S+ type=host\n/,
    );
  });

  test('an RSA identity uses PKCS#1 and an ssh-rsa certificate', async () => {
    const text = await issueIdentityFile(cluster, {
      user: 'bot',
      roles: ['r'],
      keyType: 'rsa-2048',
    });
    assert.deepEqual(itemKinds(text).slice(0, 2), [
      'RSA PRIVATE KEY',
      'ssh-rsa-cert-v01@openssh.com',
    ]);
  });

  // lib/tlsca/ca.go Identity.Subject(): L = logins, STREET = route to cluster, PostalCode = traits.
  test('the TLS certificate carries logins, traits, user, roles, cluster and active requests', async () => {
    const notBefore = new Date('2030-01-01T00:00:00Z');
    const notAfter = new Date('2030-01-01T01:00:00Z');
    const text = await issueIdentityFile(cluster, {
      user: 'alice',
      roles: ['requester', 'node-access'],
      activeRequests: ['req-1', 'req-2'],
      logins: ['alice', 'root'],
      traits: { logins: ['alice', 'root'], team: ['db'] },
      notBefore,
      notAfter,
    });
    const cert = userCertificate(text);
    assert.deepEqual(cert.subject.split('\n'), [
      'L=alice + L=root',
      'street=sim.example.com',
      // node prints the traits' JSON escaped
      'postalCode={\\"logins\\":[\\"alice\\"\\,\\"root\\"]\\,\\"team\\":[\\"db\\"]}',
      'O=requester + O=node-access',
      'CN=alice',
      `${OID.teleportCluster}=sim.example.com`,
      `${OID.activeRequests}=req-1`,
      `${OID.activeRequests}=req-2`,
    ]);
    assert.equal(new Date(cert.validFrom).getTime(), notBefore.getTime());
    assert.equal(new Date(cert.validTo).getTime(), notAfter.getTime());
    assert.ok(cert.verify(new X509Certificate(cluster.userCa.certPem).publicKey));
  });

  test("another cluster's identity is not signed by this cluster's user CA", async () => {
    const other = await createClusterAuthorities('other.example.com');
    const cert = userCertificate(
      await issueIdentityFile(other, { user: 'mallory', roles: ['editor'] }),
    );
    assert.equal(cert.verify(new X509Certificate(cluster.userCa.certPem).publicKey), false);
  });

  test("the project's identity-file reader accepts it", async () => {
    const text = await issueIdentityFile(cluster, {
      user: 'bot',
      roles: ['jit-watcher'],
      activeRequests: ['req-9'],
    });
    const identity = parseIdentity(text, 'bot.identity', new Date());
    assert.equal(identity.user, 'bot');
    assert.deepEqual(identity.roles, ['jit-watcher']);
    assert.equal(identity.clusterName, 'sim.example.com');
    assert.deepEqual(identity.activeRequests, ['req-9']);
  });
});
