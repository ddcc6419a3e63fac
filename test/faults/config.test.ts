// Configuration that means nothing sensible stops `run` at once with one line naming the problem
// and the fix, before anything starts: overlapping conflict patterns, a pattern that could take
// exponential time to match, an API key without a remote Temporal, and -p at a plain HTTP port.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as http from 'node:http';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { faultFixture, type FaultFixture } from './fixture';

const MAIN = path.join(__dirname, '..', '..', 'src', 'cli', 'main.ts');

function run(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', MAIN, 'run', ...args, '--metrics-listen='],
      { env: { ...process.env, ...env }, timeout: 120_000 },
      (err, _stdout, stderr) => {
        const code = err ? ((err as { code?: number }).code ?? 1) : 0;
        resolve({ code: typeof code === 'number' ? code : 1, stderr });
      },
    );
  });
}

/** The one error line `run` printed besides its JSON log; fails on anything else (a stack trace). */
function onlyLine(stderr: string): string {
  const lines = stderr
    .trim()
    .split('\n')
    .filter((l) => !l.startsWith('{'));
  assert.equal(lines.length, 1, `one line, got: ${stderr}`);
  return lines[0] ?? '';
}

describe('refused configuration', () => {
  let fx: FaultFixture;
  before(async () => (fx = await faultFixture()));
  after(() => fx.close());

  test('overlapping conflict patterns', async () => {
    const { code, stderr } = await run([
      '-p',
      fx.sim.proxyAddress,
      '-i',
      fx.identityPath,
      '-conflict-patterns=prod,PROD',
    ]);
    assert.equal(code, 2);
    assert.match(
      onlyLine(stderr),
      /^jit-watcher: -conflict-patterns: patterns "prod" and "PROD" both match role names such as "prod"/,
    );
  });

  test('overlapping patterns given as repeated flags, the Go sample way', async () => {
    const { code, stderr } = await run([
      '-p',
      fx.sim.proxyAddress,
      '-i',
      fx.identityPath,
      '-conflict-patterns',
      'prod',
      '-conflict-patterns',
      'production',
    ]);
    assert.equal(code, 2);
    assert.match(
      onlyLine(stderr),
      /patterns "prod" and "production" both match role names such as "production"/,
    );
  });

  // Patterns run on RE2 (linear time), as in Teleport: a construct RE2 cannot run is refused.
  test('a pattern RE2 cannot run', async () => {
    const { code, stderr } = await run([
      '-p',
      fx.sim.proxyAddress,
      '-i',
      fx.identityPath,
      '-conflict-patterns=prod(?!-ro),research',
    ]);
    assert.equal(code, 2);
    assert.match(
      onlyLine(stderr),
      /pattern "prod\(\?!-ro\)" is not a valid RE2 regular expression \(error parsing regexp: invalid or unsupported Perl syntax/,
    );
  });

  test('an API key with the embedded dev server', async () => {
    const { code, stderr } = await run(['-p', fx.sim.proxyAddress, '-i', fx.identityPath], {
      TEMPORAL_API_KEY: 'not-a-real-key',
    });
    assert.equal(code, 2);
    const line = onlyLine(stderr);
    assert.match(
      line,
      /TEMPORAL_API_KEY is set but no --temporal-address is given: the API key is for a remote Temporal/,
    );
    assert.doesNotMatch(line, /not-a-real-key/);
  });

  test('-p at a plain HTTP port', async () => {
    const server = http.createServer((_req, res) => res.end('hello'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const { code, stderr } = await run([
        '-p',
        `127.0.0.1:${port}`,
        '-i',
        fx.identityPath,
        '--call-timeout=5s',
      ]);
      assert.equal(code, 1);
      assert.match(onlyLine(stderr), new RegExp(`127\\.0\\.0\\.1:${port} does not speak TLS`));
    } finally {
      server.close();
    }
  });
});
