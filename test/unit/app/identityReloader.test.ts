// The identity reloader reports an identity nearing expiry, or past it, before calls fail; and it
// switches only to a valid renewed file.
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { IdentityReloader } from '../../../src/app/identityReloader';
import { createAppMetrics } from '../../../src/metrics/appMetrics';
import { createClusterAuthorities, issueIdentityFile } from '../../../testkit/sim';
import { parseIdentity, type Identity } from '../../../src/teleport/identityFile';
import { silentLogger } from '../../../src/util/logger';

const MINUTE = 60_000;

async function setup(lifetimeMinutes: number, elapsedMinutes: number) {
  const cluster = await createClusterAuthorities('c.example.com');
  const start = Date.now() - elapsedMinutes * MINUTE;
  const text = await issueIdentityFile(cluster, {
    user: 'bot',
    roles: ['jit-watcher'],
    notBefore: new Date(start),
    notAfter: new Date(start + lifetimeMinutes * MINUTE),
  });
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'jit-reload-'));
  const file = path.join(dir, 'identity');
  await fs.writeFile(file, text);
  return { cluster, file, dir, identity: parseIdentity(text, file, new Date(start + MINUTE)) };
}

describe('identity reloader', () => {
  const cases: Array<[string, number, RegExp | undefined]> = [
    ['fresh: nothing to report', 5, undefined],
    [
      'less than a quarter of its life left: warned',
      50,
      /expires at .* \(in 10 min\) and has not been renewed; check tbot/,
    ],
    [
      'past expiry: reported as expired',
      61,
      /identity expired at .* and was not renewed; check tbot/,
    ],
  ];
  for (const [name, elapsed, expected] of cases) {
    test(name, async () => {
      const { file, dir, identity } = await setup(60, elapsed);
      const problems: Array<string | undefined> = [];
      const metrics = createAppMetrics();
      const reloader = new IdentityReloader({
        path: file,
        current: identity,
        apply: () => assert.fail('nothing to apply'),
        onProblem: (p) => problems.push(p),
        log: silentLogger,
        metrics,
      });
      await reloader.start();
      reloader.stop();
      if (expected) assert.match(problems.at(-1) ?? '', expected);
      else assert.deepEqual(problems, []);
      const gauge = await metrics.identityExpirySeconds.get();
      assert.equal(Math.sign(gauge.values[0]?.value ?? 0), elapsed > 60 ? -1 : 1);
      await fs.rm(dir, { recursive: true });
    });
  }

  test('switches to a valid renewed file, and clears the warning', async () => {
    const { cluster, file, dir, identity } = await setup(60, 50);
    const applied: Identity[] = [];
    const problems: Array<string | undefined> = [];
    const reloader = new IdentityReloader({
      path: file,
      current: identity,
      apply: (next) => applied.push(next),
      onProblem: (p) => problems.push(p),
      log: silentLogger,
    });
    await reloader.start();
    await fs.writeFile(
      file,
      await issueIdentityFile(cluster, { user: 'bot', roles: ['jit-watcher'] }),
    );
    await reloader.check();
    reloader.stop();
    assert.equal(applied.length, 1);
    assert.ok((applied[0]?.notAfter.getTime() ?? 0) > identity.notAfter.getTime());
    assert.equal(problems.at(-1), undefined);
    await fs.rm(dir, { recursive: true });
  });

  const strangers: Array<[string, string, RegExp]> = [
    [
      'another cluster',
      'other.example.com',
      /is for cluster "other\.example\.com", not "c\.example\.com"/,
    ],
    ['the same name under another CA', 'c.example.com', /signed by another cluster CA/],
  ];
  for (const [name, clusterName, expected] of strangers) {
    test(`refuses an identity of ${name}, keeps the current one, logs one error`, async () => {
      const { file, dir, identity } = await setup(60, 5);
      const errors: string[] = [];
      const problems: Array<string | undefined> = [];
      const reloader = new IdentityReloader({
        path: file,
        current: identity,
        apply: () => assert.fail('another cluster must not be applied'),
        onProblem: (p) => problems.push(p),
        log: { ...silentLogger, error: (msg: string) => errors.push(msg) },
      });
      await reloader.start();
      const other = await createClusterAuthorities(clusterName);
      await fs.writeFile(
        file,
        await issueIdentityFile(other, { user: 'bot', roles: ['jit-watcher'] }),
      );
      await reloader.check();
      await reloader.check(); // the same rejected file again: no second error
      reloader.stop();
      assert.equal(reloader.identity, identity);
      assert.equal(errors.length, 1);
      assert.match(errors[0] ?? '', expected);
      assert.match(problems.at(-1) ?? '', /^renewed identity file rejected: /);
      await fs.rm(dir, { recursive: true });
    });
  }
});
