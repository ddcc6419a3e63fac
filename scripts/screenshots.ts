// Screenshots of the Temporal Web UI for the README (`npm run screenshots`): runs the demo (its own
// dev server, simulated Teleport cluster and worker) until the story is told, then renders the
// workflow list, the watcher's and the busiest sweep's summaries (User Metadata tab) and that
// sweep's history with headless Chromium into docs/*.png, and stops everything. Chromium is driven over --remote-debugging-pipe (the DevTools
// protocol on fds 3/4, no npm package): the built-in --screenshot with a virtual time budget never
// finishes on a running workflow's page, whose history request long-polls. Needs Debian's
// chromium package and the Temporal CLI; talks to loopback only.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import { DEMO_CLUSTER, runDemo } from '../testkit/demo/demo';
import { workflowListUrl, workflowUrl } from '../testkit/demo/printer';
import { watcherWorkflowId } from '../src/temporal/names';
import { JIT_ACTIONS } from '../src/temporal/searchAttributes';
import { waitFor } from '../src/util/waitFor';

const CHROMIUM = '/usr/bin/chromium';
const DOCS = path.join(__dirname, '..', 'docs');
const WIDTH = 1400;
/** After the page shows its data: time for the last requests and the timeline to draw. */
const SETTLE_MS = 3_000;

interface Shot {
  file: string;
  url: string;
  /** Text the page shows once its data has loaded. */
  waitForText: string;
  height: number;
}

interface Running {
  webUiUrl: string;
  temporalAddress: string;
}

/** Runs the demo with keep; `running` resolves once the story is over, with the UI's address. */
function startDemo(signal: AbortSignal): { running: Promise<Running>; done: Promise<unknown> } {
  let ready!: (r: Running) => void;
  const running = new Promise<Running>((resolve) => (ready = resolve));
  let temporalAddress = '';
  let keeping = false;
  const out = (line: string): void => {
    console.log(line);
    temporalAddress = /Ready: Temporal at (\S+),/.exec(line)?.[1] ?? temporalAddress;
    if (line.startsWith('Everything keeps running')) keeping = true;
    const ui = /^\s+Web UI:\s+(http:\/\/\S+)\/namespaces\//.exec(line)?.[1];
    if (keeping && ui) ready({ webUiUrl: ui, temporalAddress });
  };
  const done = runDemo({ keep: true, out, uiPort: 0, signal });
  const ended = done.then(() => Promise.reject(new Error('the demo ended early')));
  return { running: Promise.race([running, ended]), done };
}

/** The page of one run (add a tab: /history, /user-metadata). */
interface RunPages {
  watcher: string;
  /** The sweep that decided the most: it locked, and has the longest history of those. */
  busiestSweep: string;
}

async function runPages({ webUiUrl, temporalAddress }: Running): Promise<RunPages> {
  const connection = await Connection.connect({ address: temporalAddress });
  try {
    const client = new Client({ connection });
    let best: { id: string; runId: string; length: number } | undefined;
    // A sweep that locked also approved and evaluated: every kind of step in one page.
    const query = `WorkflowType = 'sweep' AND ${JIT_ACTIONS.name} = 'lock'`;
    for await (const wf of client.workflow.list({ query })) {
      if (!best || wf.historyLength > best.length) {
        best = { id: wf.workflowId, runId: wf.runId, length: wf.historyLength };
      }
    }
    if (!best) throw new Error('the demo ran no sweep that locked');
    const watcherId = watcherWorkflowId(DEMO_CLUSTER);
    const watcher = await client.workflow.getHandle(watcherId).describe();
    return {
      watcher: `${workflowUrl(webUiUrl, watcherId)}/${watcher.runId}`,
      busiestSweep: `${workflowUrl(webUiUrl, best.id)}/${best.runId}`,
    };
  } finally {
    await connection.close();
  }
}

type CdpResult = Record<string, unknown>;
interface CdpMessage {
  id?: number;
  result?: CdpResult;
  error?: { message: string };
}

/** Headless Chromium, driven over the DevTools protocol; one tab per screenshot. */
class Browser {
  private nextId = 0;
  private readonly pending = new Map<number, (m: CdpMessage) => void>();
  private readonly profile = fs.mkdtempSync(path.join(os.tmpdir(), 'jit-watcher-chromium-'));
  private readonly child: ChildProcess;
  /** The DevTools session of the page being shot; calls with '' go to the browser. */
  private sessionId = '';
  private exited = false;

  constructor() {
    const flags = [
      ...['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run'],
      ...['--disable-background-networking', '--disable-component-update', '--disable-sync'],
      ...['--hide-scrollbars', `--window-size=${WIDTH},900`, `--user-data-dir=${this.profile}`],
    ];
    this.child = spawn(CHROMIUM, [...flags, '--remote-debugging-pipe', 'about:blank'], {
      stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'],
    });
    let buffer = '';
    const incoming = this.child.stdio[4] as Readable;
    incoming.setEncoding('utf8');
    incoming.on('data', (chunk: string) => {
      buffer += chunk;
      for (let end = buffer.indexOf('\0'); end >= 0; end = buffer.indexOf('\0')) {
        const message = JSON.parse(buffer.slice(0, end)) as CdpMessage;
        buffer = buffer.slice(end + 1);
        if (message.id !== undefined) this.pending.get(message.id)?.(message);
      }
    });
    // A browser that fails to start or dies fails the pending calls and every later one.
    (this.child.stdio[3] as Writable).on('error', () => undefined);
    this.child.once('exit', () => {
      this.exited = true;
      for (const settle of this.pending.values()) settle({ error: { message: 'chromium exited' } });
    });
  }

  async send(method: string, params: object = {}, session = this.sessionId): Promise<CdpResult> {
    if (this.exited) throw new Error(`chromium ${method}: chromium exited`);
    const id = ++this.nextId;
    const reply = new Promise<CdpMessage>((resolve) => this.pending.set(id, resolve));
    const message = { id, method, params, ...(session ? { sessionId: session } : {}) };
    (this.child.stdio[3] as Writable).write(`${JSON.stringify(message)}\0`);
    const { result, error } = await reply;
    this.pending.delete(id);
    if (error) throw new Error(`chromium ${method}: ${error.message}`);
    return result ?? {};
  }

  /** Each page in a new tab, so the last page's text cannot pass for this one's. */
  async shoot(shot: Shot): Promise<void> {
    const { targetId } = await this.send('Target.createTarget', { url: 'about:blank' }, '');
    const attached = await this.send('Target.attachToTarget', { targetId, flatten: true }, '');
    this.sessionId = String(attached.sessionId);
    const metrics = { width: WIDTH, height: shot.height, deviceScaleFactor: 1, mobile: false };
    await this.send('Emulation.setDeviceMetricsOverride', metrics);
    await this.send('Page.navigate', { url: shot.url });
    const shows = `document.body?.innerText.includes(${JSON.stringify(shot.waitForText)})`;
    await waitFor(
      async () => {
        const { result } = await this.send('Runtime.evaluate', { expression: shows });
        return (result as { value?: unknown }).value === true;
      },
      { timeoutMs: 60_000, intervalMs: 250, what: `"${shot.waitForText}" on ${shot.url}` },
    );
    await sleep(SETTLE_MS);
    const { data } = await this.send('Page.captureScreenshot', { format: 'png' });
    fs.writeFileSync(shot.file, Buffer.from(String(data), 'base64'));
    await this.send('Target.closeTarget', { targetId }, '');
    console.log(`saved ${path.relative(process.cwd(), shot.file)}  (${shot.url})`);
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }

  async close(): Promise<void> {
    if (!this.exited) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      await this.send('Browser.close', {}, '').catch(() => this.child.kill('SIGKILL'));
      await exited;
    }
    fs.rmSync(this.profile, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (!fs.existsSync(CHROMIUM)) {
    console.error(
      `screenshots: ${CHROMIUM} not found; install Debian's chromium package: apt-get install chromium`,
    );
    process.exit(1);
  }
  fs.mkdirSync(DOCS, { recursive: true });
  const controller = new AbortController();
  const demo = startDemo(controller.signal);
  let browser: Browser | undefined;
  // Ctrl-C still stops the dev server, which runs in its own process group.
  let interrupted = false;
  const stop = (): void => {
    interrupted = true;
    controller.abort();
    browser?.kill();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const running = await demo.running;
    const pages = await runPages(running);
    const shots: Shot[] = [
      {
        file: 'web-ui-workflows.png',
        url: workflowListUrl(running.webUiUrl),
        waitForText: '/sweep/',
        height: 900,
      },
      // The User Metadata tab: summary, details, current details and every event's summary.
      {
        file: 'web-ui-watcher.png',
        url: `${pages.watcher}/user-metadata`,
        waitForText: 'Events with Metadata',
        height: 1000,
      },
      {
        file: 'web-ui-sweep.png',
        url: `${pages.busiestSweep}/user-metadata`,
        waitForText: 'evaluate request',
        height: 1000,
      },
      {
        file: 'web-ui-sweep-history.png',
        url: `${pages.busiestSweep}/history`,
        waitForText: 'Event History',
        height: 1600,
      },
    ];
    browser = new Browser();
    for (const shot of shots) await browser.shoot({ ...shot, file: path.join(DOCS, shot.file) });
  } catch (err) {
    throw interrupted ? new Error('interrupted') : err;
  } finally {
    await browser?.close();
    controller.abort();
    await demo.done.catch(() => undefined);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`screenshots: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
