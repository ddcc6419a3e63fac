// The deployment files must agree with the code they deploy: every variable they set is one the
// config table reads, the identity path is where tbot writes, the metrics port is the one the
// process serves, the search attributes are the ones the sweeps upsert. No Docker or cluster
// needed: the files are parsed, and the config loader is run on them. The Helm chart's rendered
// objects are checked by chart.rendered.ts, which deploy/helm/ci.sh runs (it needs helm).
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../../../src/config/load';
import { CONFIG_FILE_OPTION, OPTIONS } from '../../../src/config/options';
import { SEARCH_ATTRIBUTE_REGISTRATIONS } from '../../../src/temporal/searchAttributes';
import {
  CHART_DIR,
  baseImages,
  composeContainerPorts,
  composeEnv,
  composeMounts,
  dockerfile,
  exists,
  keyValues,
  readText,
  readYaml,
  type Compose,
} from './manifests';

const KNOWN_ENV = new Set([...OPTIONS, CONFIG_FILE_OPTION].flatMap((o) => o.env));
/** Read by the code but not settings: name -> the file that reads it. */
const OTHER_ENV: Record<string, string> = { TEMPORAL_CLI: 'src/temporal/devServer.ts' };

const compose = readYaml<Compose>('docker-compose.yml');
const composeWatcher = compose.services['jit-watcher'] ?? {};
/** The policy file docker-compose.yml mounts (the chart renders its own from values). */
const COMPOSE_POLICY = 'deploy/policy.yaml';
const systemdEnv = keyValues(readText('deploy/systemd/jit-watcher.env'), true);

/** The watcher as each deployment runs it: argv after the program, env, files it reads. */
const watchers: [string, string[], Record<string, string>, Record<string, string>][] = [
  [
    'docker-compose.yml',
    composeWatcher.command ?? [],
    composeEnv(composeWatcher),
    { '/etc/jit-watcher/policy.yaml': readText(COMPOSE_POLICY) },
  ],
];

function portOf(listen: string | undefined): number {
  return Number(listen?.split(':').pop());
}

describe('environment variables the deployments set exist in the options table', () => {
  const sets: [string, Record<string, string>][] = [
    ['docker-compose.yml jit-watcher', composeEnv(composeWatcher)],
    ['deploy/systemd/jit-watcher.env (commented examples too)', systemdEnv],
  ];
  for (const [where, env] of sets) {
    it(where, () => {
      const names = Object.keys(env).filter((n) => /^(JIT_WATCHER|TEMPORAL)_/.test(n));
      assert.ok(names.length > 0, `${where} sets no JIT_WATCHER_* variable`);
      for (const name of names) {
        const reader = OTHER_ENV[name];
        if (reader) {
          assert.match(
            readText(reader),
            new RegExp(name),
            `${name} is no longer read by ${reader}`,
          );
          continue;
        }
        assert.ok(KNOWN_ENV.has(name), `${where} sets ${name}, which src/config/options.ts lacks`);
      }
    });
  }
});

describe('each deployment gives the watcher a configuration the loader accepts', () => {
  for (const [where, argv, env, files] of watchers) {
    it(where, async () => {
      const identity = env.JIT_WATCHER_IDENTITY_FILE ?? '';
      const { config } = await loadConfig({
        argv: argv[0] === 'run' ? argv.slice(1) : argv,
        env,
        readFile: (file) => {
          const text = file === identity ? 'identity' : files[file];
          return text === undefined
            ? Promise.reject(new Error(`ENOENT ${file}`))
            : Promise.resolve(text);
        },
        requireTeleport: true,
      });
      assert.equal(argv[0], 'run', `${where}: the watcher should run \`run\``);
      assert.equal(
        config.metrics.listen,
        '0.0.0.0:9464',
        `${where}: metrics must listen beyond loopback`,
      );
      assert.notEqual(
        config.temporal.address,
        '',
        `${where}: no Temporal address; the image has no dev server`,
      );
    });
  }
});

describe('the identity is read where tbot writes it, from a read-only mount', () => {
  const composeMount = composeMounts(composeWatcher).find((m) => m.source === 'machine-id');
  const tbotMount = composeMounts(compose.services.tbot ?? {}).find(
    (m) => m.source === 'machine-id',
  );
  const outputPath = (file: string): string | undefined =>
    readYaml<{ outputs: { destination: { path: string } }[] }>(file).outputs[0]?.destination.path;
  const rows = [
    {
      where: 'docker-compose.yml',
      identity: composeEnv(composeWatcher).JIT_WATCHER_IDENTITY_FILE,
      mountPath: composeMount?.target,
      readOnly: composeMount?.readOnly,
      tbotWritesTo: outputPath('deploy/teleport/tbot.yaml'),
    },
  ];
  for (const { where, identity, mountPath, readOnly, tbotWritesTo } of rows) {
    it(where, () => {
      assert.ok(mountPath, `${where}: the watcher does not mount the machine-id volume`);
      assert.equal(
        identity,
        `${mountPath}/identity`,
        `${where}: JIT_WATCHER_IDENTITY_FILE is not <mount>/identity`,
      );
      assert.equal(readOnly, true, `${where}: the watcher's machine-id mount must be read-only`);
      assert.equal(tbotWritesTo, mountPath, `${where}: tbot writes its identity elsewhere`);
    });
  }
  it('tbot mounts the same volume writable', () => {
    assert.equal(
      tbotMount?.target,
      composeMount?.target,
      'compose: tbot mounts machine-id elsewhere',
    );
    assert.equal(tbotMount?.readOnly, false, 'compose: tbot must be able to write machine-id');
  });
});

describe('the metrics port is the same everywhere', () => {
  const listenPort = portOf(/JIT_WATCHER_METRICS_LISTEN=(\S+)/.exec(readText('Dockerfile'))?.[1]);
  const rows: [string, number][] = [
    [
      'compose JIT_WATCHER_METRICS_LISTEN',
      portOf(composeEnv(composeWatcher).JIT_WATCHER_METRICS_LISTEN),
    ],
    ['compose published container port', composeContainerPorts(composeWatcher)[0] ?? NaN],
    ['Dockerfile EXPOSE', Number(dockerfile().find((i) => i.op === 'EXPOSE')?.args)],
    [
      'Helm chart values metrics.port',
      readYaml<{ metrics: { port: number } }>(`${CHART_DIR}/values.yaml`).metrics.port,
    ],
  ];
  for (const [what, port] of rows) {
    it(what, () =>
      assert.equal(
        port,
        listenPort,
        `${what} is ${port}, the Dockerfile's JIT_WATCHER_METRICS_LISTEN says ${listenPort}`,
      ),
    );
  }
});

describe('search attributes registered by the script are those the sweeps upsert', () => {
  it('temporal/register-search-attributes.sh', () => {
    const list = /^ATTRIBUTES='([^']*)'/m.exec(
      readText('temporal/register-search-attributes.sh'),
    )?.[1];
    assert.ok(list !== undefined, "ATTRIBUTES='...' not found in the script");
    assert.deepEqual(
      list.split(/\s+/).filter(Boolean).sort(),
      [...SEARCH_ATTRIBUTE_REGISTRATIONS].sort(),
      'the script and SEARCH_ATTRIBUTE_REGISTRATIONS (src/temporal/searchAttributes.ts) differ',
    );
  });
  it('docker-compose.yml runs it from the mounted temporal/ folder', () => {
    const registrar = compose.services['temporal-search-attributes'] ?? {};
    const script = (registrar.entrypoint ?? []).find((a) =>
      a.endsWith('register-search-attributes.sh'),
    );
    const mount = composeMounts(registrar).find((m) => script?.startsWith(`${m.target}/`));
    assert.ok(
      script && mount,
      'the registration service does not run the script from a bind mount',
    );
    assert.ok(
      exists(path.join(mount.source, script.slice(mount.target.length))),
      `${script} is not in ${mount.source}`,
    );
  });
});

describe('the image', () => {
  const instructions = dockerfile();
  const rows: [string, () => void][] = [
    [
      'compose builds it from the repository root',
      () => {
        const build = composeWatcher.build;
        const context = typeof build === 'string' ? build : build?.context;
        const file = (typeof build === 'object' && build.dockerfile) || 'Dockerfile';
        assert.equal(context, '.', 'the watcher\'s build context should be "."');
        assert.ok(exists(file), `${file} does not exist`);
      },
    ],
    [
      'Debian-based (the core bridge has no musl build)',
      () => {
        for (const image of baseImages(instructions)) {
          assert.doesNotMatch(image, /alpine/i, `${image}: Alpine has no Temporal core bridge`);
          assert.match(image, /bookworm|bullseye|trixie|debian/, `${image} is not Debian-based`);
        }
      },
    ],
    [
      'runs as a non-root user',
      () => {
        const user = instructions
          .filter((i) => i.op === 'USER')
          .pop()
          ?.args.split(':')[0];
        assert.ok(
          user && !['root', '0'].includes(user),
          `the final USER is ${user ?? 'unset (root)'}`,
        );
      },
    ],
    [
      'runs the compiled entry point, not tsx',
      () => {
        const entry = instructions.filter((i) => i.op === 'ENTRYPOINT').pop()?.args ?? '';
        assert.deepEqual(JSON.parse(entry), ['node', 'dist/cli/main.js']);
        assert.ok(exists('src/cli/main.ts'), 'dist/cli/main.js is compiled from src/cli/main.ts');
      },
    ],
    [
      'ships proto/ beside dist/ and keeps what it copies in the context',
      () => {
        const copied = instructions.filter((i) => i.op === 'COPY' && !i.args.startsWith('--from'));
        assert.ok(
          copied.some((i) => i.args.startsWith('proto ')),
          'proto/ is not copied',
        );
        const ignored = readText('.dockerignore')
          .split('\n')
          .map((l) => l.trim());
        for (const source of copied.flatMap((i) =>
          i.args
            .replace(/^--\S+\s+/, '')
            .split(/\s+/)
            .slice(0, -1),
        )) {
          assert.ok(
            !ignored.includes(source),
            `.dockerignore excludes ${source}, which the Dockerfile copies`,
          );
        }
      },
    ],
  ];
  for (const [what, check] of rows) it(what, check);
});

describe('the systemd unit', () => {
  const unit = keyValues(readText('deploy/systemd/jit-watcher.service'));
  const rows: [string, string | undefined, (v: string | undefined) => boolean][] = [
    ['NoNewPrivileges', unit.NoNewPrivileges, (v) => v === 'yes'],
    ['User (a fixed one that tbot grants read access)', unit.User, (v) => !!v && v !== 'root'],
    ['ProtectSystem', unit.ProtectSystem, (v) => v === 'strict'],
    [
      'ReadOnlyPaths (the identity directory)',
      unit.ReadOnlyPaths,
      (v) => v === path.dirname(systemdEnv.JIT_WATCHER_IDENTITY_FILE ?? ''),
    ],
    ['ExecStart', unit.ExecStart, (v) => /\bjit-watcher run\b/.test(v ?? '')],
    ['KillSignal', unit.KillSignal, (v) => v === 'SIGTERM'],
  ];
  for (const [key, value, ok] of rows) {
    it(key, () =>
      assert.ok(ok(value), `${key}=${value ?? ''} in deploy/systemd/jit-watcher.service`),
    );
  }
});

describe('memory settings', () => {
  const env = dockerfile()
    .filter((i) => i.op === 'ENV')
    .map((i) => i.args)
    .join(' ');
  it('the image and the systemd environment file cap the heap alike', () => {
    const image = /NODE_OPTIONS="([^"]+)"/.exec(env)?.[1];
    assert.ok(image, 'the Dockerfile sets NODE_OPTIONS');
    assert.equal(systemdEnv.NODE_OPTIONS, image);
    assert.match(image, /--max-old-space-size=\d+/);
  });
  it('the image and the systemd environment file limit malloc arenas alike', () => {
    const image = /MALLOC_ARENA_MAX=(\d+)/.exec(env)?.[1];
    assert.ok(image, 'the Dockerfile sets MALLOC_ARENA_MAX');
    assert.equal(systemdEnv.MALLOC_ARENA_MAX, image);
  });
});
