// Side by side in one run: the sweep and latency benchmarks on the machine's Node and on Node 24
// (scripts/install-node24.sh), each against the dev server and the production server
// (bench/temporalTarget.ts). Each cell is a separate process, run one after another, so they do
// not compete with each other; they do compete with whatever else the machine runs.
// Usage: npm run bench:compare [-- --sweep 10000 --samples 30 --open 10000 --burst 1000]
import { execFileSync, spawn } from 'node:child_process';
import * as path from 'node:path';

interface Cell {
  node: string;
  temporal: 'dev' | 'production';
}

const ROOT = path.join(__dirname, '..');

function parseArgs(argv: string[]): { sweep: string; latency: string[] } {
  const options: Record<string, string> = {
    sweep: '10000',
    samples: '30',
    open: '10000',
    burst: '1000',
  };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i]?.replace(/^--/, '') ?? '';
    const value = argv[i + 1] ?? '';
    if (!(key in options) || !(Number(value) > 0)) {
      throw new Error('usage: compare [--sweep N] [--samples N] [--open N] [--burst N]');
    }
    options[key] = value;
  }
  const { samples = '', open = '', burst = '' } = options;
  return {
    sweep: options.sweep ?? '',
    latency: ['--samples', samples, '--open', open, '--burst', burst],
  };
}

/** Runs one benchmark in a child process on `cell`; returns the data rows of its table. */
function runBench(cell: Cell, script: string, args: string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(cell.node, ['--import', 'tsx', path.join(ROOT, 'bench', script), ...args], {
      cwd: ROOT,
      env: { ...process.env, JIT_BENCH_TEMPORAL: cell.temporal },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code) => {
      if (code !== 0)
        reject(new Error(`${script} on ${cell.temporal}, ${cell.node} failed (${code})`));
      else
        resolve(
          out
            .split('\n')
            .filter(
              (l) =>
                l.startsWith('|') && !/^\|\s*-|^\|-|^\| scenario \||^\| open requests \|/.test(l),
            ),
        );
    });
  });
}

function version(node: string): string {
  return execFileSync(node, ['--version']).toString().trim();
}

async function main(): Promise<void> {
  const { sweep, latency } = parseArgs(process.argv.slice(2));
  const node24 =
    execFileSync('bash', [path.join(ROOT, 'scripts', 'install-node24.sh')])
      .toString()
      .trim()
      .split('\n')
      .pop() ?? '';
  const cells: Cell[] = [];
  for (const node of [process.execPath, node24]) {
    for (const temporal of ['dev', 'production'] as const) cells.push({ node, temporal });
  }
  const sweepRows: string[] = [];
  const latencyRows: string[] = [];
  for (const cell of cells) {
    const label = `| ${version(cell.node)} | ${cell.temporal} `;
    console.error(`compare: sweep of ${sweep} on ${label}`);
    for (const row of await runBench(cell, 'sweep.ts', [sweep])) {
      sweepRows.push(label + row);
      console.error(`compare: ${label + row}`); // kept even if a later cell fails
    }
    console.error(`compare: latency on ${label}`);
    for (const row of await runBench(cell, 'latency.ts', latency)) {
      latencyRows.push(label + row);
      console.error(`compare: ${label + row}`);
    }
  }
  console.log(
    '| node | Temporal | open requests | sweep | wall time | runs | Temporal events | largest payload | largest task | worker RSS (peak) |',
  );
  console.log('|---|---|---:|---|---:|---:|---:|---:|---:|---:|');
  for (const row of sweepRows) console.log(row);
  console.log('');
  console.log('| node | Temporal | scenario | samples | p50 | p95 | p99 | max | note |');
  console.log('|---|---|---|---:|---:|---:|---:|---:|---|');
  for (const row of latencyRows) console.log(row);
}

main().catch((err: unknown) => {
  console.error(`compare: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
