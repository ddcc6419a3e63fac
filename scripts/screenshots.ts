// Screenshots of the Temporal Web UI for the README (`npm run screenshots`): runs the demo (its own
// dev server, simulated Teleport cluster and worker) until the story is told, renders the workflow
// list, the watcher and the history of the busiest sweep with headless Chromium into docs/*.png,
// then stops everything. Needs Debian's chromium package and the Temporal CLI; loopback only.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { DEMO_CLUSTER, runDemo } from '../src/demo/demo';
import { workflowListUrl, workflowUrl } from '../src/demo/printer';
import { watcherWorkflowId } from '../src/temporal/names';

const CHROMIUM = '/usr/bin/chromium';
const DOCS = path.join(__dirname, '..', 'docs');
/** Virtual time the Web UI gets to load its data and draw before each shot. */
const RENDER_BUDGET_MS = 15_000;

interface Running {
  webUiUrl: string;
  temporalAddress: string;
}

/** Runs the demo with keep; resolves once the story is over, with where the UI and server are. */
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
  return {
    running: Promise.race([running, done.then(() => Promise.reject(new Error('demo ended')))]),
    done,
  };
}

/** The sweep with the longest history: the one that decided the most. */
async function busiestSweepUrl(webUiUrl: string, address: string): Promise<string> {
  const connection = await Connection.connect({ address });
  try {
    const client = new Client({ connection });
    let best: { id: string; runId: string; length: number } | undefined;
    for await (const wf of client.workflow.list({ query: "WorkflowType = 'sweep'" })) {
      if (!best || wf.historyLength > best.length) {
        best = { id: wf.workflowId, runId: wf.runId, length: wf.historyLength };
      }
    }
    if (!best) throw new Error('the demo ran no sweep');
    return `${workflowUrl(webUiUrl, best.id)}/${best.runId}/history`;
  } finally {
    await connection.close();
  }
}

async function screenshot(url: string, file: string): Promise<void> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'jit-watcher-chromium-'));
  try {
    await promisify(execFile)(
      CHROMIUM,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--hide-scrollbars',
        `--user-data-dir=${profile}`,
        '--window-size=1400,900',
        `--virtual-time-budget=${RENDER_BUDGET_MS}`,
        `--screenshot=${file}`,
        url,
      ],
      { timeout: 120_000 },
    );
    console.log(`saved ${path.relative(process.cwd(), file)}  (${url})`);
  } finally {
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (!fs.existsSync(CHROMIUM)) {
    console.error(
      `${CHROMIUM} not found: install Debian's chromium package: apt-get install chromium`,
    );
    process.exit(1);
  }
  fs.mkdirSync(DOCS, { recursive: true });
  const controller = new AbortController();
  const demo = startDemo(controller.signal);
  try {
    const { webUiUrl, temporalAddress } = await demo.running;
    const watcher = workflowUrl(webUiUrl, watcherWorkflowId(DEMO_CLUSTER));
    await screenshot(workflowListUrl(webUiUrl), path.join(DOCS, 'web-ui-workflows.png'));
    await screenshot(watcher, path.join(DOCS, 'web-ui-watcher.png'));
    const sweep = await busiestSweepUrl(webUiUrl, temporalAddress);
    await screenshot(sweep, path.join(DOCS, 'web-ui-sweep-history.png'));
  } finally {
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
