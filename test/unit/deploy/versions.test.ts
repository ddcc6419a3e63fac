// What is deployed must be what is tested: the Temporal server version docker-compose.yml runs is
// the one `npm run test:production` builds and runs, the compose stack runs the same schema and
// search-attribute scripts, the server settings it passes are the ones temporal/server-config.yaml
// reads, and the image's Node is the Node 24 that CI runs the suite on. No Docker needed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SERVER_VERSION } from '../../production/support/serverBinaries';
import { composeEnv, interpolate, readText, readYaml, type Compose } from './manifests';

const compose = readYaml<Compose>('docker-compose.yml');
const service = (name: string) => compose.services[name] ?? {};
const shellVar = (file: string, name: string) =>
  new RegExp(`^${name}="([^"]+)"`, 'm').exec(readText(file))?.[1];

describe('the Temporal server version is the same everywhere', () => {
  const rows: [string, string | undefined][] = [
    ['temporal/install-server.sh VERSION', shellVar('temporal/install-server.sh', 'VERSION')],
    [
      'docker-compose.yml temporal image',
      interpolate(service('temporal').image ?? '').split(':')[1],
    ],
    [
      'docker-compose.yml temporal-schema image',
      interpolate(service('temporal-schema').image ?? '').split(':')[1],
    ],
    [
      'docker-compose.yml temporal-search-attributes image',
      interpolate(service('temporal-search-attributes').image ?? '').split(':')[1],
    ],
    [
      'deploy/helm/jit-watcher/values.yaml note',
      /server (\d+\.\d+\.\d+) is the version CI tests/.exec(
        readText('deploy/helm/jit-watcher/values.yaml'),
      )?.[1],
    ],
  ];
  for (const [where, version] of rows) {
    it(where, () =>
      assert.equal(
        version,
        SERVER_VERSION,
        `${where} says ${version}, test:production runs ${SERVER_VERSION}`,
      ),
    );
  }
});

describe('compose runs the scripts test:production runs', () => {
  const rows: [string, string][] = [
    ['temporal-schema', 'setup-postgres-schema.sh'],
    ['temporal-search-attributes', 'register-search-attributes.sh'],
  ];
  for (const [name, script] of rows) {
    it(`${name} runs temporal/${script}`, () => {
      assert.ok(
        (service(name).entrypoint ?? []).some((a) => a.endsWith(`/${script}`)),
        `${name} no longer runs ${script}`,
      );
    });
  }
  it('the schema step names the same database plugin as the server config', () => {
    assert.equal(composeEnv(service('temporal-schema')).SQL_PLUGIN, 'postgres12');
    assert.match(readText('temporal/server-config.yaml'), /pluginName: postgres12/);
  });
});

describe("the server's compose settings are ones temporal/server-config.yaml reads", () => {
  const config = readText('temporal/server-config.yaml');
  const env = composeEnv(service('temporal'));
  for (const name of Object.keys(env).filter((n) => n !== 'DB')) {
    it(name, () =>
      assert.ok(config.includes(`env "${name}"`), `server-config.yaml ignores ${name}`),
    );
  }
});

describe('Node 24 everywhere a runtime is named', () => {
  it('the Dockerfile builds and runs on node:24', () => {
    assert.match(readText('Dockerfile'), /^ARG NODE_IMAGE=node:24-bookworm-slim$/m);
  });
  it('CI installs Node 24 from the npm registry into a cache outside the repository', () => {
    const version = shellVar('scripts/install-node24.sh', 'VERSION') ?? '';
    assert.match(version, /^\$\{JIT_NODE24_VERSION:-24\.\d+\.\d+\}$/);
    assert.match(readText('.ci/run'), /PATH="\$\(dirname "\$NODE24"\):\$PATH" npm test/);
  });
  it('the systemd notes say Node 24', () => {
    assert.match(readText('deploy/systemd/README.md'), /Node\.js 24 LTS/);
  });
});
