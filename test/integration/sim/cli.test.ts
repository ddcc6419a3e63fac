// The sim admin CLI end to end: `sim start` in a temporary directory, then the commands that act
// on the running cluster through its gRPC API, and one-line errors.
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { simCommand, type SimIo } from '../../../testkit/sim';
import { rawClient } from './rawClient';

/** Captures output; `line(re)` resolves when a matching line has been printed. */
function capture(signal?: AbortSignal) {
  const out: string[] = [];
  const err: string[] = [];
  const waiters: Array<{ re: RegExp; resolve: () => void }> = [];
  const io: SimIo = {
    stdout: (text) => {
      out.push(text);
      for (const w of waiters.filter((w) => w.re.test(text))) w.resolve();
    },
    stderr: (text) => err.push(text),
    signal,
  };
  const line = (re: RegExp) =>
    out.some((l) => re.test(l))
      ? Promise.resolve()
      : new Promise<void>((resolve) => waiters.push({ re, resolve }));
  return { io, out, err, line };
}

describe('sim CLI', () => {
  let dir: string;
  const stop = new AbortController();
  let running: Promise<number>;

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sim-cli-'));
    const { io, line } = capture(stop.signal);
    running = simCommand(['sim', 'start', '--dir', dir], io);
    await Promise.race([
      line(/is running/),
      running.then((code) => assert.fail(`start exited ${code}`)),
    ]);
  });

  after(async () => {
    stop.abort();
    assert.equal(await running, 0);
    await assert.rejects(fs.access(path.join(dir, 'cluster.json')));
    await fs.rm(dir, { recursive: true, force: true });
  });

  test('start writes the cluster file and two identities', async () => {
    const info = JSON.parse(await fs.readFile(path.join(dir, 'cluster.json'), 'utf8')) as Record<
      string,
      string
    >;
    assert.match(info.authAddress ?? '', /^127\.0\.0\.1:\d+$/);
    assert.match(info.proxyAddress ?? '', /^127\.0\.0\.1:\d+$/);
    const stat = await fs.stat(path.join(dir, 'jit-watcher.identity'));
    assert.equal(stat.mode & 0o777, 0o600);
  });

  test('create-request, then list shows it', async () => {
    const created = capture();
    const code = await simCommand(
      [
        'create-request',
        '--dir',
        dir,
        '--user',
        'alice',
        '--roles',
        'node-access',
        '--resources',
        'node/web-1,node/web-2',
        '--reason',
        'deploy',
      ],
      created.io,
    );
    assert.equal(code, 0, created.err.join('\n'));
    const id = /created access request (\S+) for alice \(PENDING\)/.exec(
      created.out.join('\n'),
    )?.[1];
    assert.ok(id);

    const listed = capture();
    assert.equal(await simCommand(['list', '--dir', dir], listed.io), 0);
    const row = listed.out
      .join('\n')
      .split('\n')
      .find((l) => l.startsWith(id));
    assert.match(row ?? '', /alice\s+PENDING\s+node-access\s+node\/web-1,node\/web-2/);
  });

  test('locks on an empty cluster says so', async () => {
    const locks = capture();
    assert.equal(await simCommand(['locks', '--dir', dir], locks.io), 0);
    assert.deepEqual(locks.out, ['no locks']);
  });

  test('issue-identity writes an identity the cluster accepts', async () => {
    const out = path.join(dir, 'carol.identity');
    const issued = capture();
    const code = await simCommand(
      [
        'issue-identity',
        '--dir',
        dir,
        '--user',
        'carol',
        '--roles',
        'requester',
        '--ttl',
        '30m',
        '--out',
        out,
      ],
      issued.io,
    );
    assert.equal(code, 0, issued.err.join('\n'));
    const info = JSON.parse(await fs.readFile(path.join(dir, 'cluster.json'), 'utf8')) as {
      authAddress: string;
    };
    const client = rawClient(info.authAddress, await fs.readFile(out, 'utf8'));
    try {
      assert.equal(
        (await client.unary<{ ClusterName: string }>('Ping', {})).ClusterName,
        'sim.example.com',
      );
    } finally {
      client.close();
    }
  });

  const failures: Array<[string, string[], number, RegExp]> = [
    ['unknown command', ['frobnicate'], 2, /unknown command "frobnicate"/],
    ['missing flag', ['create-request', '--roles', 'r'], 2, /missing required flag --user/],
    ['unknown flag', ['list', '--bogus'], 2, /bogus/],
    [
      'no running sim',
      ['list', '--dir', '/nonexistent-sim-dir'],
      1,
      /^sim list: no running sim in \/nonexistent-sim-dir/,
    ],
  ];
  for (const [name, argv, exitCode, message] of failures) {
    test(`error: ${name}`, async () => {
      const run = capture();
      assert.equal(await simCommand(argv, run.io), exitCode);
      assert.equal(run.err.length, 1);
      assert.match(run.err[0] ?? '', message);
      // Runtime failures are one line; usage errors add the usage text after it.
      if (exitCode === 1) assert.doesNotMatch(run.err[0] ?? '', /\n/);
    });
  }
});
