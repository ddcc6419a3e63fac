// Side by side in one run: the sweep and latency benchmarks on the machine's Node and on Node 24
// (scripts/install-node24.sh), each against the dev server and the production server
// (bench/temporalTarget.ts). Each cell is a separate process, run one after another, so they do
// not compete with each other; they do compete with whatever else the machine runs.
// Usage: npm run bench:compare [-- --sweep 10000 --samples 30 --open 10000 --burst 1000]
import { execFileSync, spawn } from 'node:child_process';
import * as path from 'node:path';
import { benchArgs } from './args';

interface Cell {
  node: string;
  temporal: 'dev' | 'production';
}

const ROOT = path.join(__dirname, '..');

function parseOptions(argv: string[]): { sweep: string; latency: string[] } {
  const { flags } = benchArgs(
    argv,
    { sweep: 10_000, samples: 30, open: 10_000, burst: 1_000 },
    'compare [--sweep N] [--samples N] [--open N] [--burst N]',
  );
  return {
    sweep: String(flags.sweep),
    latency: ['--samples', flags.samples, '--open', flags.open, '--burst', flags.burst].map(String),
  };
}

/** One Markdown table a benchmark printed: its header, separator and data rows. */
interface Table {
  header: string;
  separator: string;
  rows: string[];
}

/** Runs one benchmark in a child process on `cell`; returns the tables it printed. */
function runBench(cell: Cell, script: string, args: string[]): Promise<Table[]> {
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
      else resolve(tablesOf(out));
    });
  });
}

/** Consecutive lines starting with `|` form a table; anything else ends it. */
function tablesOf(out: string): Table[] {
  const tables: Table[] = [];
  let lines: string[] = [];
  for (const line of [...out.split('\n'), '']) {
    if (line.startsWith('|')) {
      lines.push(line);
      continue;
    }
    const [header, separator, ...rows] = lines;
    if (header && separator) tables.push({ header, separator, rows });
    lines = [];
  }
  return tables;
}

function version(node: string): string {
  return execFileSync(node, ['--version']).toString().trim();
}

async function main(): Promise<void> {
  const { sweep, latency } = parseOptions(process.argv.slice(2));
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
  // Tables with the same header, from every cell, print as one, a row per cell.
  const merged = new Map<string, Table>();
  const add = (label: string, tables: Table[]): void => {
    for (const table of tables) {
      const into = merged.get(table.header) ?? { ...table, rows: [] };
      merged.set(table.header, into);
      for (const row of table.rows) {
        into.rows.push(label + row);
        console.error(`compare: ${label + row}`); // kept even if a later cell fails
      }
    }
  };
  for (const cell of cells) {
    const label = `| ${version(cell.node)} | ${cell.temporal} `;
    console.error(`compare: sweep of ${sweep} on ${label}`);
    add(label, await runBench(cell, 'sweep.ts', [sweep]));
    console.error(`compare: latency on ${label}`);
    add(label, await runBench(cell, 'latency.ts', latency));
  }
  for (const table of merged.values()) {
    console.log(`| node | Temporal ${table.header}`);
    console.log(`|---|---${table.separator}`);
    for (const row of table.rows) console.log(row);
    console.log('');
  }
}

main().catch((err: unknown) => {
  console.error(`compare: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
