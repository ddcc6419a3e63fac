// The image users deploy, run as a cluster runs it: host network, read-only root file system, the
// image's own user with every capability dropped, and the identity tbot writes mounted read-only.
// Against the simulated cluster and the Temporal dev server on this host it must decide a request,
// turn ready, stop cleanly on SIGTERM, and carry the compiled service only. `npm run test:image`
// (not `npm test`): needs root, podman and the image scripts/image/build.sh makes.
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startSimCluster, type SimCluster } from '../../testkit/sim';
import { watcherControl } from '../../src/temporal/control';
import { freePort } from '../../src/util/freePort';
import { waitFor } from '../../src/util/waitFor';
import { writeBotIdentity } from '../support/identityFile';
import { node } from '../support/requests';
import { testTemporal, uniqueName, type TestTemporal } from '../support/temporal';
import { IMAGE, podman, requireImage, runContainer, type Container } from './podman';

/** Where the Kubernetes deployment mounts tbot's output, read-only. */
const IDENTITY_DIR = '/opt/machine-id';
/** The image's "node" user: what Kubernetes' runAsUser and the identity file's owner are. */
const NODE_UID = 1000;

describe(`the image ${IMAGE}`, () => {
  let temporal: TestTemporal;
  let sim: SimCluster;
  let dir: string;
  let metrics: string;
  let container: Container;

  before(async () => {
    await requireImage();
    temporal = await testTemporal();
    sim = await startSimCluster({ clusterName: `${uniqueName('image')}.example.com` });
    // tbot, running as the watcher's user, owns the folder and writes the file with mode 0600.
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'jit-image-'));
    const { identityPath } = await writeBotIdentity(sim, dir);
    if (process.getuid?.() === 0) {
      await fs.chown(dir, NODE_UID, NODE_UID);
      await fs.chown(identityPath, NODE_UID, NODE_UID);
    }
    metrics = `127.0.0.1:${await freePort()}`;
    container = await runContainer({
      name: uniqueName('jit-image'),
      flags: [
        ...['--network', 'host', '--read-only', '--read-only-tmpfs=false'],
        // The one writable place, as the pod's /tmp emptyDir: the Teleport client's unix socket.
        ...['--tmpfs', '/tmp:rw,size=64m,mode=1777'],
        ...['--cap-drop', 'all', '--security-opt', 'no-new-privileges'],
        // The image's HEALTHCHECK is run by hand below: podman's timer for it needs systemd.
        '--no-healthcheck',
        ...['--volume', `${dir}:${IDENTITY_DIR}:ro`],
        // Configured as deploy/kubernetes configures it: by environment.
        ...['--env', `JIT_WATCHER_PROXY=${sim.proxyAddress}`],
        ...['--env', `JIT_WATCHER_IDENTITY_FILE=${IDENTITY_DIR}/identity`],
        ...['--env', `JIT_WATCHER_TEMPORAL_ADDRESS=${temporal.address}`],
        ...['--env', `JIT_WATCHER_TEMPORAL_TASK_QUEUE=${uniqueName('image')}`],
        ...['--env', `JIT_WATCHER_METRICS_LISTEN=${metrics}`],
      ],
      args: ['run'],
    });
    await container.waitForLog((l) => l.msg === 'worker polling', 'the worker to poll', 120_000);
  });

  after(async () => {
    await container?.stop();
    await watcherControl(temporal.client, sim.clusterName)
      .handle.terminate('test over')
      .catch(() => undefined);
    await sim?.stop();
    await temporal?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  test('decides a request: a compliant pending request is approved', async () => {
    const request = sim.store.createRequest({
      user: 'alice',
      roles: ['node-access'],
      resources: [node('image-1'), node('image-2')],
    });
    await waitFor(() => sim.store.getRequest(request.id)?.state === 'APPROVED', {
      timeoutMs: 120_000,
      intervalMs: 100,
      what: 'the container to approve the request',
    });
  });

  test('/readyz turns ready on the metrics address', async () => {
    await waitFor(async () => (await fetch(`http://${metrics}/readyz`)).status === 200, {
      timeoutMs: 120_000,
      intervalMs: 200,
      what: '/readyz to answer 200',
    });
    assert.match(await (await fetch(`http://${metrics}/metrics`)).text(), /jit_watcher_ready 1/);
    // The Dockerfile's HEALTHCHECK command, run in the container as Docker runs it.
    const inspect = await podman(['image', 'inspect', '--format', '{{json .HealthCheck}}', IMAGE]);
    const check = (JSON.parse(inspect.stdout) as { Test?: string[] } | null)?.Test ?? [];
    assert.equal(check[0], 'CMD', `HEALTHCHECK: ${inspect.stdout}`);
    const health = await container.exec(check.slice(1));
    assert.equal(health.code, 0, `HEALTHCHECK failed: ${health.stdout}${health.stderr}`);
  });

  test('runs as uid 1000 on a read-only root file system', async () => {
    const pid = await container.hostPid();
    assert.match(await fs.readFile(`/proc/${pid}/cmdline`, 'utf8'), /dist\/cli\/main\.js\0run/);
    const status = await fs.readFile(`/proc/${pid}/status`, 'utf8');
    for (const field of ['Uid', 'Gid']) {
      const ids = new RegExp(`^${field}:\\s+(.+)$`, 'm').exec(status)?.[1]?.trim().split(/\s+/);
      assert.deepEqual(
        ids,
        Array(4).fill(String(NODE_UID)),
        `${field} (real, effective, saved, fs)`,
      );
    }
    // The process's own view of its root mount (mountinfo field 5 is the mount point).
    const root = (await fs.readFile(`/proc/${pid}/mountinfo`, 'utf8'))
      .split('\n')
      .find((l) => l.split(' ')[4] === '/');
    assert.ok(root, 'no root mount in mountinfo');
    assert.ok(root.split(' ')[5]?.split(',').includes('ro'), `root mounted read-write: ${root}`);
    for (const target of ['/app/dist/cli/main.js', '/home/node/probe', `${IDENTITY_DIR}/probe`]) {
      const write = await container.exec([
        'node',
        '-e',
        `require('fs').writeFileSync(${JSON.stringify(target)}, 'x')`,
      ]);
      assert.notEqual(write.code, 0, `${target} was writable`);
      assert.match(write.stderr, /EROFS|EACCES/, `writing ${target}: ${write.stderr}`);
    }
  });

  test('/app holds the compiled service only: no simulator, demo, test or TypeScript source', async () => {
    const listing = await container.exec(['find', '/app', '-mindepth', '1']);
    assert.equal(listing.code, 0, listing.stderr);
    const paths = listing.stdout
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => path.posix.relative('/app', l));
    const top = paths.filter((p) => !p.includes('/')).sort();
    assert.deepEqual(top, ['dist', 'node_modules', 'package.json', 'proto']);
    assert.ok(paths.includes('dist/cli/main.js'), 'no dist/cli/main.js');
    assert.ok(paths.includes('dist/workflow-bundle.js'), 'no prebuilt workflow bundle');
    const own = paths.filter((p) => !p.startsWith('node_modules/'));
    const forbidden = /(^|\/)(testkit|test|tests|bench|demo|sim|scripts|src)(\/|$)/;
    assert.deepEqual(
      own.filter((p) => forbidden.test(p)),
      [],
      'simulator, demo, test or source folders',
    );
    // Not even in node_modules: packages' sources and declarations are removed in the build.
    assert.deepEqual(
      paths.filter((p) => /\.[cm]?ts$/.test(p)),
      [],
      'TypeScript files',
    );
    // Production dependencies only: nothing the lockfile marks dev-only (what `npm prune
    // --omit=dev` leaves out), nor tsx and esbuild, which the build removes.
    const lock = JSON.parse(await fs.readFile('package-lock.json', 'utf8')) as {
      packages: Record<string, { dev?: boolean }>;
    };
    const devOnly = Object.entries(lock.packages)
      .filter(([, entry]) => entry.dev === true)
      .map(([where]) => where);
    const present = new Set(paths);
    assert.deepEqual(
      [...devOnly, 'node_modules/tsx', 'node_modules/esbuild'].filter((p) => present.has(p)),
      [],
      'development packages in the image',
    );
    assert.deepEqual(
      paths.filter((p) => /(^|\/)testkit(\/|$)/.test(p)),
      [],
      'the simulator in node_modules',
    );
  });

  test('stops on SIGTERM with exit code 0, logging nothing but JSON lines', async () => {
    assert.equal(await container.stop(), 0);
    assert.deepEqual(container.plainLines(), []);
  });
});
