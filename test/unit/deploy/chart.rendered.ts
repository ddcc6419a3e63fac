// What a pod of the Helm chart gets, checked on `helm template` renderings: no service links, a
// confined non-root container, probes and ports the process serves, and a configuration the
// service loads from the exact environment the pod has, service links of every rendered Service
// included (as if someone turned them back on). Needs helm, so npm test does not run it (the name
// is not *.test.ts): deploy/helm/ci.sh renders the chart and passes the files in
// JIT_CHART_RENDERED (comma-separated).
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { loadConfig } from '../../../src/config/load';
import {
  containerEnv,
  dockerfile,
  objectsOf,
  only,
  readText,
  resolvePort,
  serviceLinkEnv,
  type Container,
  type DeploymentSpec,
  type K8sObject,
  type Probe,
  type ServiceSpec,
} from './manifests';

const files = (process.env.JIT_CHART_RENDERED ?? '').split(',').filter(Boolean);
if (files.length === 0) {
  console.error('chart.rendered.ts: set JIT_CHART_RENDERED (deploy/helm/ci.sh does)');
  process.exit(2);
}

/** The image's own ENV, which the pod starts from before the container's env applies. */
function imageEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { op, args } of dockerfile()) {
    if (op !== 'ENV') continue;
    for (const m of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S+)/g)) {
      env[m[1] ?? ''] = (m[2] ?? '').replace(/^"|"$/g, '');
    }
  }
  return env;
}

/** Every Service the rendering makes, plus the API server's, with made-up cluster IPs. */
function serviceLinks(objects: K8sObject[]): Record<string, string> {
  const services = objects.filter((o) => o.kind === 'Service');
  assert.ok(services.length > 0, 'the chart renders no Service');
  const links = serviceLinkEnv('kubernetes', '10.96.0.1', [
    { name: 'https', port: 443, targetPort: 6443 },
  ]);
  services.forEach((s, i) => {
    Object.assign(
      links,
      serviceLinkEnv(s.metadata.name, `10.96.1.${i + 10}`, (s.spec as ServiceSpec).ports),
    );
  });
  return links;
}

for (const file of files) {
  const rendering = path.basename(file, '.yaml');
  const objects = objectsOf(readText(path.relative(path.resolve(__dirname, '../../..'), file)));
  const deployment = only<DeploymentSpec>(objects, 'Deployment').spec;
  const pod = deployment.template.spec;
  const watcher = pod.containers.find((c) => c.name === 'jit-watcher') ?? ({} as Container);
  const tbot = pod.initContainers?.find((c) => c.name === 'tbot');
  const service = only<ServiceSpec>(objects, 'Service');
  const env = containerEnv(watcher);
  const args = watcher.args ?? [];
  const configPath = args[args.indexOf('--config') + 1] ?? '';

  describe(`${rendering}: the pod is confined`, () => {
    it('service links off', () => assert.equal(pod.enableServiceLinks, false));
    it('no service-account token mounted', () =>
      assert.equal(pod.automountServiceAccountToken, false));
    it('non-root, uid 1000 (the image user)', () => {
      assert.equal(pod.securityContext?.runAsNonRoot, true);
      assert.equal(pod.securityContext?.runAsUser, 1000);
    });
    for (const c of [watcher, ...(tbot ? [tbot] : [])]) {
      it(`${c.name}: read-only root, no privilege escalation, no capabilities`, () => {
        assert.equal(c.securityContext?.readOnlyRootFilesystem, true, 'readOnlyRootFilesystem');
        assert.equal(c.securityContext?.allowPrivilegeEscalation, false);
        assert.deepEqual(c.securityContext?.capabilities?.drop, ['ALL']);
      });
    }
    it('a writable /tmp for the Teleport client socket', () => {
      const tmp = watcher.volumeMounts?.find((m) => m.mountPath === '/tmp');
      assert.ok(pod.volumes.find((v) => v.name === tmp?.name)?.emptyDir, 'no emptyDir at /tmp');
    });
    it('NODE_OPTIONS and MALLOC_ARENA_MAX stay as the image sets them', () => {
      for (const name of ['NODE_OPTIONS', 'MALLOC_ARENA_MAX']) {
        assert.ok(imageEnv()[name], `the Dockerfile no longer sets ${name}`);
        assert.equal(env[name], undefined, `the chart overrides ${name}`);
      }
    });
  });

  describe(`${rendering}: the service loads its configuration in the pod's environment`, () => {
    const podEnv = { ...imageEnv(), ...serviceLinks(objects), ...env };
    const configMap = objects.find(
      (o) =>
        o.kind === 'ConfigMap' &&
        o.metadata.name ===
          pod.volumes.find(
            (v) =>
              v.name ===
              watcher.volumeMounts?.find((m) => m.mountPath === path.dirname(configPath))?.name,
          )?.configMap?.name,
    );
    const configText = configMap?.data?.[path.basename(configPath)];
    it('the --config file comes from a rendered ConfigMap', () =>
      assert.ok(configText, `no ConfigMap provides ${configPath}`));
    it('with the service links of every rendered Service', async () => {
      assert.ok(
        Object.keys(podEnv).some((n) => n.startsWith('JIT_WATCHER_METRICS_')),
        'expected service links of the metrics Service',
      );
      const { config } = await loadConfig({
        argv: args[0] === 'run' ? args.slice(1) : args,
        env: podEnv,
        readFile: (f) =>
          f === configPath
            ? Promise.resolve(configText ?? '')
            : f === env.JIT_WATCHER_IDENTITY_FILE
              ? Promise.resolve('identity')
              : Promise.reject(new Error(`ENOENT ${f}`)),
        requireTeleport: true,
      });
      assert.equal(args[0], 'run', 'the watcher should run `run`');
      const port = resolvePort(watcher, 'metrics');
      assert.equal(config.metrics.listen, `0.0.0.0:${port}`, 'metrics beyond loopback');
      assert.notEqual(config.temporal.address, '', 'no Temporal address; the image has none');
    });
    if (rendering === 'default') {
      it('the default policy is the one compose runs (deploy/policy.yaml)', () =>
        assert.deepEqual(parse(configText ?? ''), parse(readText('deploy/policy.yaml'))));
    }
  });

  describe(`${rendering}: probes and ports`, () => {
    const served = readText('src/metrics/server.ts');
    const listen = Number(env.JIT_WATCHER_METRICS_LISTEN?.split(':').pop());
    const rows: [string, Probe | undefined, string][] = [
      ['liveness', watcher.livenessProbe, '/healthz'],
      ['startup', watcher.startupProbe, '/healthz'],
      ['readiness', watcher.readinessProbe, '/readyz'],
    ];
    for (const [probe, { httpGet } = {}, expected] of rows) {
      it(`${probe} GETs ${expected} on the metrics port`, () => {
        assert.equal(httpGet?.path, expected);
        assert.ok(
          served.includes(`'${expected}'`),
          `src/metrics/server.ts no longer serves ${expected}`,
        );
        assert.equal(resolvePort(watcher, httpGet?.port), listen);
      });
    }
    it('the Service reaches the metrics port', () => {
      const p = service.spec.ports.find((x) => x.name === 'metrics');
      assert.equal(resolvePort(watcher, p?.targetPort), listen);
      assert.equal(Number(service.metadata.annotations?.['prometheus.io/port']), p?.port);
    });
  });

  describe(`${rendering}: the selectors pick the worker pods`, () => {
    const labels = deployment.template.metadata.labels;
    const selectors: [string, Record<string, string>][] = [
      ['Deployment', deployment.selector.matchLabels],
      ['Service', service.spec.selector],
      ...objects
        .filter((o) => o.kind === 'PodDisruptionBudget' || o.kind === 'ServiceMonitor')
        .map((o): [string, Record<string, string>] => [
          o.kind,
          (o.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels,
        ]),
    ];
    for (const [kind, selector] of selectors) {
      it(kind, () => {
        for (const [key, value] of Object.entries(selector))
          assert.equal(labels[key], value, `${kind} ${key}`);
      });
    }
  });

  describe(`${rendering}: the identity is read where tbot writes it, read-only`, () => {
    const mount = watcher.volumeMounts?.find((m) => m.name === 'machine-id');
    const volume = pod.volumes.find((v) => v.name === 'machine-id');
    it('JIT_WATCHER_IDENTITY_FILE is <mount>/identity, mounted read-only', () => {
      assert.equal(env.JIT_WATCHER_IDENTITY_FILE, `${mount?.mountPath}/identity`);
      assert.equal(mount?.readOnly, true);
    });
    if (tbot) {
      it('the sidecar writes into the same in-memory volume', () => {
        const tbotMount = tbot.volumeMounts?.find((m) => m.name === 'machine-id');
        assert.equal(tbotMount?.mountPath, mount?.mountPath);
        assert.notEqual(tbotMount?.readOnly, true);
        assert.ok(volume?.emptyDir, 'machine-id should be an emptyDir');
        const tbotConfig = objects.find((o) => o.kind === 'ConfigMap' && o.data?.['tbot.yaml']);
        const outputs = parse(tbotConfig?.data?.['tbot.yaml'] ?? '{}') as {
          outputs?: { destination: { path: string } }[];
        };
        assert.equal(outputs.outputs?.[0]?.destination.path, mount?.mountPath);
      });
    } else {
      it("the Secret's identity key lands as the file identity", () =>
        assert.equal(volume?.secret?.items?.[0]?.path, 'identity'));
    }
  });
}
