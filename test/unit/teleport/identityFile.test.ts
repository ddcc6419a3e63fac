// Identity files in Teleport's format: what is read from them, and the one-line error for each way
// they can be wrong. Files are made by the simulated cluster's CA code, in the real layout.
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { inspect } from 'node:util';
import {
  createClusterAuthorities,
  issueIdentityFile,
  type ClusterAuthorities,
} from '../../../testkit/sim';
import { IdentityError, parseIdentity, readIdentityFile } from '../../../src/teleport/identityFile';

const NOW = new Date();
const HOUR = 3_600_000;

describe('identity file', () => {
  let cluster: ClusterAuthorities;
  let other: ClusterAuthorities;
  let good: string;

  before(async () => {
    cluster = await createClusterAuthorities('prod.example.com');
    other = await createClusterAuthorities('other.example.com');
    good = await issueIdentityFile(cluster, {
      user: 'bot-jit-watcher',
      roles: ['jit-watcher', 'bot-jit-watcher'],
      activeRequests: ['req-1'],
    });
  });

  test('reads user, roles, cluster, active requests and validity', () => {
    const id = parseIdentity(good, 'identity', NOW);
    assert.equal(id.user, 'bot-jit-watcher');
    assert.deepEqual(id.roles, ['jit-watcher', 'bot-jit-watcher']);
    assert.equal(id.clusterName, 'prod.example.com');
    assert.deepEqual(id.activeRequests, ['req-1']);
    assert.ok(id.notAfter > NOW && id.notBefore <= NOW);
    assert.equal(id.tls.caPems.length, 1);
  });

  test('reads EC keys as PKCS#8 (current Teleport) and as SEC1 (older versions)', async () => {
    const pkcs8 = await issueIdentityFile(cluster, { user: 'u', roles: ['r'] });
    const sec1 = await issueIdentityFile(cluster, { user: 'u', roles: ['r'], ecKeyFormat: 'sec1' });
    assert.match(pkcs8, /^-----BEGIN PRIVATE KEY-----/);
    assert.match(sec1, /^-----BEGIN EC PRIVATE KEY-----/);
    assert.equal(parseIdentity(pkcs8, 'identity', NOW).user, 'u');
    assert.equal(parseIdentity(sec1, 'identity', NOW).user, 'u');
  });

  test('reads the subject whatever else Teleport puts in it (logins, route, traits)', async () => {
    const text = await issueIdentityFile(cluster, {
      user: 'bot-x',
      roles: ['jit-watcher'],
      logins: ['-teleport-nologin-1'],
      traits: { logins: ['-teleport-nologin-1'], 'teleport.dev/x': ['{"a":"b"}'] },
    });
    const id = parseIdentity(text, 'identity', NOW);
    assert.equal(id.user, 'bot-x');
    assert.deepEqual(id.roles, ['jit-watcher']);
    assert.equal(id.clusterName, 'prod.example.com');
  });

  test('reads RSA identities (the legacy signature suite)', async () => {
    const rsa = await issueIdentityFile(cluster, { user: 'u', roles: ['r'], keyType: 'rsa-2048' });
    assert.match(rsa, /BEGIN RSA PRIVATE KEY/);
    assert.equal(parseIdentity(rsa, 'identity', NOW).user, 'u');
  });

  test('never shows the private key when printed or serialised', () => {
    const id = parseIdentity(good, 'identity', NOW);
    assert.doesNotMatch(JSON.stringify(id), /PRIVATE KEY/);
    assert.doesNotMatch(inspect(id, { depth: 5 }), /PRIVATE KEY/);
  });

  const without = (text: string, pattern: RegExp) => text.replace(pattern, '');
  const keyBlock = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----\n/;
  const certBlocks = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----\n/g;

  const cases: Array<[string, () => Promise<string> | string, RegExp]> = [
    [
      'no private key',
      () => without(good, keyBlock),
      /identity file id has no private key; regenerate it/,
    ],
    ['no TLS certificate', () => without(good, certBlocks), /has no TLS certificate/],
    [
      'no CA certificate',
      () => {
        const blocks = good.match(certBlocks) ?? [];
        return good.replace(blocks[1] ?? '', '');
      },
      /has no cluster CA certificate/,
    ],
    [
      'key from another identity',
      async () => {
        const foreign = await issueIdentityFile(cluster, { user: 'x', roles: ['r'] });
        return good.replace(keyBlock, (foreign.match(keyBlock) ?? [''])[0]);
      },
      /the private key does not match the TLS certificate/,
    ],
    [
      'expired',
      () =>
        issueIdentityFile(cluster, {
          user: 'u',
          roles: ['r'],
          notBefore: new Date(+NOW - 3 * HOUR),
          notAfter: new Date(+NOW - HOUR),
        }),
      /expired at \d{4}-\d\d-\d\dT.*; check that tbot is running and renewing it/,
    ],
    [
      'not yet valid',
      () =>
        issueIdentityFile(cluster, {
          user: 'u',
          roles: ['r'],
          notBefore: new Date(+NOW + HOUR),
          notAfter: new Date(+NOW + 2 * HOUR),
        }),
      /is not valid until \d{4}-.*; check this machine's clock/,
    ],
    ['garbage', () => 'hello\n', /has no private key/],
  ];
  for (const [name, make, message] of cases) {
    test(`refuses: ${name}`, async () => {
      const text = await make();
      assert.throws(
        () => parseIdentity(text, 'id', NOW),
        (err: unknown) =>
          err instanceof IdentityError && message.test(err.message) && !err.message.includes('\n'),
      );
    });
  }

  test('refuses a missing file, a directory and an unreadable file with the fix', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'jit-id-'));
    await assert.rejects(
      readIdentityFile(path.join(dir, 'nope')),
      /does not exist; pass the file tbot writes/,
    );
    await assert.rejects(readIdentityFile(dir), /is a directory/);
    await fs.rm(dir, { recursive: true });
  });

  test('an identity of another cluster still parses (the server refuses it)', async () => {
    const foreign = await issueIdentityFile(other, { user: 'u', roles: ['r'] });
    assert.equal(parseIdentity(foreign, 'id', NOW).clusterName, 'other.example.com');
  });
});
