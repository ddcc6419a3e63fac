// Kubernetes gives every pod service-link variables for each Service in its namespace, and
// Docker's legacy links add their own: with a Service or link named jit-watcher-*, these start
// JIT_WATCHER_ and must load, while a misspelt setting of a similar shape is still refused.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../../src/config/errors';
import { load } from './helpers';

const base = ['-p', 'teleport.example.com:443', '-i', '/path/to/identity'];
const OK = 'loads';

// One case a line: what, the variables added to the environment, OK or the one-line error.
// prettier-ignore
const rows: [string, Record<string, string>, string][] = [
  ['Service host', { JIT_WATCHER_METRICS_SERVICE_HOST: '10.96.0.12' }, OK],
  ['Service host, IPv6', { JIT_WATCHER_METRICS_SERVICE_HOST: 'fd00:10:96::c' }, OK],
  ['Service first port', { JIT_WATCHER_METRICS_SERVICE_PORT: '9464' }, OK],
  ['Service named port', { JIT_WATCHER_METRICS_SERVICE_PORT_METRICS: '9464' }, OK],
  ['Service named port with a dash', { JIT_WATCHER_METRICS_SERVICE_PORT_HTTP_METRICS: '9464' }, OK],
  ['Docker-style first port', { JIT_WATCHER_METRICS_PORT: 'tcp://10.96.0.12:9464' }, OK],
  ['Docker-style first port, IPv6', { JIT_WATCHER_METRICS_PORT: 'tcp://[fd00:10:96::c]:9464' }, OK],
  ['Docker-style first port, UDP', { JIT_WATCHER_DNS_PORT: 'udp://10.96.0.10:53' }, OK],
  ['port address', { JIT_WATCHER_METRICS_PORT_9464_TCP: 'tcp://10.96.0.12:9464' }, OK],
  ['port protocol', { JIT_WATCHER_METRICS_PORT_9464_TCP_PROTO: 'tcp' }, OK],
  ['port number', { JIT_WATCHER_METRICS_PORT_9464_TCP_PORT: '9464' }, OK],
  ['port IP', { JIT_WATCHER_METRICS_PORT_9464_TCP_ADDR: '10.96.0.12' }, OK],
  ['SCTP port', { JIT_WATCHER_X_PORT_9_SCTP: 'sctp://10.96.0.9:9', JIT_WATCHER_X_PORT_9_SCTP_PROTO: 'sctp' }, OK],
  ['a Service named jit-watcher', { JIT_WATCHER_SERVICE_HOST: '10.96.0.3', JIT_WATCHER_PORT: 'tcp://10.96.0.3:9464' }, OK],
  ['a Service named jit-watcher-service', { JIT_WATCHER_SERVICE_SERVICE_PORT: '80', JIT_WATCHER_SERVICE_PORT: 'tcp://10.96.0.4:80' }, OK],
  ['a Service named like a setting', { JIT_WATCHER_PROXY_SERVICE_HOST: '10.96.0.5', JIT_WATCHER_PROXY_PORT: 'tcp://10.96.0.5:443' }, OK],
  ['Docker link name', { JIT_WATCHER_DB_NAME: '/web/jit_watcher_db' }, OK],
  ['Docker link environment copy', { JIT_WATCHER_DB_NAME: '/web/jit_watcher_db', JIT_WATCHER_DB_ENV_POSTGRES_DB: 'temporal' }, OK],
  ['misspelt setting', { JIT_WATCHER_MAX_RESOURCE: '3' }, 'unknown environment variable JIT_WATCHER_MAX_RESOURCE; did you mean JIT_WATCHER_MAX_RESOURCES?'],
  ['_PORT with a bare number is a setting', { JIT_WATCHER_METRICS_PORT: '9464' }, 'unknown environment variable JIT_WATCHER_METRICS_PORT; did you mean JIT_WATCHER_METRICS_LISTEN?'],
  ['_PORT with an http:// value', { JIT_WATCHER_METRICS_PORT: 'http://10.96.0.12:9464' }, 'unknown environment variable JIT_WATCHER_METRICS_PORT; did you mean JIT_WATCHER_METRICS_LISTEN?'],
  ['_PORT with a host name', { JIT_WATCHER_METRICS_PORT: 'tcp://metrics:9464' }, 'unknown environment variable JIT_WATCHER_METRICS_PORT; did you mean JIT_WATCHER_METRICS_LISTEN?'],
  ['Service host that is no IP', { JIT_WATCHER_METRICS_SERVICE_HOST: 'metrics.local' }, 'unknown environment variable JIT_WATCHER_METRICS_SERVICE_HOST; remove it or check the name'],
  ['Service port that is no number', { JIT_WATCHER_METRICS_SERVICE_PORT: 'metrics' }, 'unknown environment variable JIT_WATCHER_METRICS_SERVICE_PORT; remove it or check the name'],
  ['port protocol that is none', { JIT_WATCHER_METRICS_PORT_9464_TCP_PROTO: 'http' }, 'unknown environment variable JIT_WATCHER_METRICS_PORT_9464_TCP_PROTO; remove it or check the name'],
  ['environment copy without its link', { JIT_WATCHER_DB_ENV_POSTGRES_DB: 'temporal' }, 'unknown environment variable JIT_WATCHER_DB_ENV_POSTGRES_DB; remove it or check the name'],
  ['link name that is no path', { JIT_WATCHER_DB_NAME: 'db' }, 'unknown environment variable JIT_WATCHER_DB_NAME; did you mean JIT_WATCHER_CAPS?'],
  ['a link that lands on a setting', { JIT_WATCHER_TEMPORAL_DEV_PORT: 'tcp://10.96.0.7:7233' }, 'JIT_WATCHER_TEMPORAL_DEV_PORT=tcp://10.96.0.7:7233 is a service link Kubernetes or Docker added, not a setting; set enableServiceLinks: false in the pod spec or rename the Service or link'],
];

describe('service-link variables load; misspelt settings do not', () => {
  for (const [what, env, expected] of rows) {
    it(what, async () => {
      const loading = load(base, { env });
      if (expected === OK) {
        await loading;
        return;
      }
      await assert.rejects(loading, (err: unknown) => {
        assert.ok(err instanceof ConfigError, `not a ConfigError: ${String(err)}`);
        assert.equal(err.message, expected);
        return true;
      });
    });
  }
});
