// The production server's frontend requires client certificates (scripts/test-production.ts makes
// them): every CLI command works through it with the --temporal-tls-* flags or their environment
// variables, and a client without a certificate, with the wrong CA, the wrong server name, a
// certificate from another CA or no TLS at all is refused with one line naming the fix, from the
// CLI and from a `jit-watcher worker` process alike.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { TemporalTls } from '../../src/config/types';
import type { RunningService } from '../../src/app/service';
import { startStack, type Stack } from '../support/stack';
import { temporalTlsEnv, temporalTlsFlags, testTemporalTls } from '../support/temporal';
import { workerArgs } from '../support/workerProcess';
import { assertOneLine, cli } from './support/cli';
import type { TemporalPki } from './support/temporalPki';

const WORKER_EXIT_TIMEOUT_MS = 60_000; // a worker that cannot connect gives up and says why

function pki(): TemporalPki {
  const file = process.env.JIT_TEST_TEMPORAL_PKI;
  assert.ok(file, 'run by `npm run test:production`, which makes the certificates');
  return JSON.parse(fs.readFileSync(file, 'utf8')) as TemporalPki;
}

describe('production server: Temporal over mTLS', () => {
  let stack: Stack;
  let worker: RunningService;
  let tls: TemporalTls;
  let target: string[];
  before(async () => {
    const fromRunner = testTemporalTls();
    assert.ok(fromRunner?.certFile, 'the runner gives a client certificate');
    tls = fromRunner;
    stack = await startStack();
    worker = await stack.newWorker(); // in-process, from the same --temporal-tls-* settings
    target = ['--cluster', stack.sim.clusterName, '--temporal-address', stack.temporal.address];
  });
  after(async () => {
    await worker?.stop();
    await stack?.close();
  });

  test('status, pause, resume, sweep, policy and decisions work with the flags or the environment', async () => {
    const withFlags = (verb: string, ...rest: string[]) =>
      cli([verb, ...target, ...temporalTlsFlags(tls), ...rest]);
    const withEnv = (verb: string, ...rest: string[]) =>
      cli([verb, ...target, ...rest], temporalTlsEnv(tls));

    let run = await withFlags('pause');
    assert.equal(run.code, 0, run.stderr);
    run = await withEnv('status', '--json');
    assert.equal(run.code, 0, run.stderr);
    assert.equal((JSON.parse(run.stdout) as { paused: boolean }).paused, true);
    run = await withEnv('resume');
    assert.equal(run.code, 0, run.stderr);
    run = await withFlags('status');
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /state\s+running/);

    stack.sim.store.createRequest({ user: 'tls-user', roles: ['prod-db'] });
    run = await withFlags('sweep');
    assert.equal(run.code, 0, run.stderr);
    run = await withEnv('policy');
    assert.equal(run.code, 0, run.stderr);
    assert.equal(
      typeof (JSON.parse(run.stdout) as { maxResources: number }).maxResources,
      'number',
    );
    // decisions searches every cluster's sweeps: no --cluster
    run = await cli(
      ['decisions', '--user', 'tls-user', '--json', ...target.slice(2), ...temporalTlsFlags(tls)],
      {},
    );
    assert.equal(run.code, 0, run.stderr);
  });

  // Each waits out the CLI's connect timeout before it explains: side by side, not in a row.
  describe('refused, with one line naming the fix', { concurrency: true }, () => {
    test('without a client certificate: refused, one line asking for --temporal-tls-cert', async () => {
      const run = await cli([
        'status',
        ...target,
        ...temporalTlsFlags({ caFile: tls.caFile, serverName: tls.serverName }),
      ]);
      assert.equal(run.code, 1);
      assertOneLine(
        run.stderr,
        /requires a client certificate.*--temporal-tls-cert and --temporal-tls-key$/,
      );
    });

    test('a certificate from a CA the server does not trust: refused, one line', async () => {
      const run = await cli([
        'status',
        ...target,
        ...temporalTlsFlags({ ...tls, certFile: pki().stranger.cert, keyFile: pki().stranger.key }),
      ]);
      assert.equal(run.code, 1);
      assertOneLine(run.stderr, /refused our client certificate .*stranger\.pem/);
    });

    test('the wrong CA: one line naming the CA file and --temporal-tls-ca', async () => {
      const otherCa = pki().otherCaFile;
      const run = await cli([
        'status',
        ...target,
        ...temporalTlsFlags({ ...tls, caFile: otherCa }),
      ]);
      assert.equal(run.code, 1);
      assertOneLine(
        run.stderr,
        new RegExp(`not signed by the CA in ${otherCa}.*pass the CA .* with --temporal-tls-ca$`),
      );
    });

    test('the wrong server name, or none: one line naming the names and --temporal-tls-server-name', async () => {
      let run = await cli([
        'status',
        ...target,
        ...temporalTlsFlags({ ...tls, serverName: 'temporal.example.com' }),
      ]);
      assert.equal(run.code, 1);
      assertOneLine(
        run.stderr,
        /not valid for the name we verify \(temporal\.example\.com; it holds DNS:frontend\.temporal\.test\); set --temporal-tls-server-name/,
      );
      run = await cli([
        'status',
        ...target,
        ...temporalTlsFlags({ ...tls, serverName: undefined }),
      ]);
      assert.equal(run.code, 1);
      assertOneLine(run.stderr, /not valid for the name we verify \(127\.0\.0\.1;/);
    });

    test('no TLS settings at all: one line saying the server speaks TLS', async () => {
      const run = await cli(['status', ...target]);
      assert.equal(run.code, 1);
      assertOneLine(run.stderr, /speaks TLS; pass --temporal-tls-ca/);
    });

    test('a `jit-watcher worker` process without a client certificate exits with one line', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jit-mtls-'));
      try {
        const args = await workerArgs(
          {
            sim: stack.sim,
            taskQueue: 'mtls-refused',
            temporal: {
              address: stack.temporal.address,
              tls: { caFile: tls.caFile, serverName: tls.serverName }, // no certificate
            },
          },
          dir,
        );
        const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.stdout.resume(); // its JSON log (connected to Teleport ...) is not under test
        const code = await new Promise<number | null>((resolve, reject) => {
          const timer = setTimeout(() => {
            child.kill('SIGKILL');
            reject(new Error(`the worker did not exit within ${WORKER_EXIT_TIMEOUT_MS} ms`));
          }, WORKER_EXIT_TIMEOUT_MS);
          child.once('exit', (c) => {
            clearTimeout(timer);
            resolve(c);
          });
        });
        assert.equal(code, 1, stderr);
        assertOneLine(stderr, /requires a client certificate.*--temporal-tls-cert/);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
