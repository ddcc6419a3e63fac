// The process's HTTP endpoint for operators and orchestrators: /metrics (jit-watcher's own
// metrics plus the Temporal runtime's, fetched from its private exporter), /healthz (the process's
// own loops are alive) and /readyz (it can enforce; the body names each failing check). Exact
// paths only. Binds what it is told.
import * as http from 'node:http';
import type { AppMetrics } from './appMetrics';

export interface ProbeResult {
  ok: boolean;
  failing: string[];
}

export interface HealthSource {
  ready(): ProbeResult;
  live(): ProbeResult;
}

export interface MetricsServerOptions {
  listen: string;
  metrics: AppMetrics;
  health: HealthSource;
  /** The Temporal runtime's Prometheus exporter, e.g. http://127.0.0.1:40123/metrics. */
  runtimeMetricsUrl?: string;
}

export interface MetricsServer {
  address: string;
  close(): Promise<void>;
}

export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const [host, portText] = splitHostPort(options.listen);
  const server = http.createServer((req, res) => {
    void handle(req.url ?? '/', options).then(({ status, body, type }) => {
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new Error(
          `cannot listen for metrics on ${options.listen} (${err.code ?? err.message}); choose another --metrics-listen or pass --metrics-listen= to disable`,
        ),
      ),
    );
    server.listen(Number(portText), host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : Number(portText);
  return {
    address: `${host}:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function handle(
  url: string,
  options: MetricsServerOptions,
): Promise<{ status: number; body: string; type: string }> {
  const text = 'text/plain; charset=utf-8';
  const pathname = url.split('?')[0];
  if (pathname === '/metrics') {
    const own = await options.metrics.registry.metrics();
    const runtime = options.runtimeMetricsUrl ? await fetchText(options.runtimeMetricsUrl) : '';
    return { status: 200, body: own + '\n' + runtime, type: options.metrics.registry.contentType };
  }
  if (pathname === '/healthz') return probe(options.health.live(), 'ok', 'not healthy');
  if (pathname === '/readyz') return probe(options.health.ready(), 'ready', 'not ready');
  return { status: 404, body: 'not found\n', type: text };
}

function probe(
  result: ProbeResult,
  yes: string,
  no: string,
): { status: number; body: string; type: string } {
  const body = result.ok ? `${yes}\n` : `${no}: ${result.failing.join('; ')}\n`;
  return { status: result.ok ? 200 : 503, body, type: 'text/plain; charset=utf-8' };
}

async function fetchText(url: string): Promise<string> {
  try {
    const res = await fetch(url);
    return res.ok ? await res.text() : '';
  } catch {
    return ''; // the runtime's exporter is best effort; our own metrics still answer
  }
}

function splitHostPort(listen: string): [string, string] {
  const i = listen.lastIndexOf(':');
  if (i <= 0)
    throw new Error(
      `metrics listen address "${listen}" is not host:port; e.g. --metrics-listen=127.0.0.1:9464`,
    );
  return [listen.slice(0, i).replace(/^\[|\]$/g, ''), listen.slice(i + 1)];
}
