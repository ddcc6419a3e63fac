// The fault suite (`npm run test:faults`): real processes killed, servers stopped, files swapped,
// clocks skewed (test/faults/). Runs them through the test command (which starts the shared
// Temporal dev server), bounded in time: past the deadline the whole run is killed and fails, so
// a hung fault never hangs CI. Needs the `faketime` command (Debian package faketime).
import { spawn } from 'node:child_process';
import * as path from 'node:path';

/** The suite takes a few minutes (one test holds a 2-minute outage); this is its hard ceiling. */
const DEADLINE_MS = 20 * 60_000;

function main(): Promise<number> {
  const roots = process.argv.slice(2);
  const script = path.join(__dirname, 'test.ts');
  // Its own process group, so the deadline can stop the runner and every test process under it.
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', script, ...(roots.length > 0 ? roots : ['test/faults'])],
    { stdio: 'inherit', detached: true },
  );
  const deadline = setTimeout(() => {
    console.error(`test:faults: still running after ${DEADLINE_MS / 60_000} min; stopping it`);
    if (child.pid) process.kill(-child.pid, 'SIGKILL');
  }, DEADLINE_MS);
  const forward = (signal: NodeJS.Signals): void => {
    if (child.pid) process.kill(-child.pid, signal);
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  return new Promise((resolve) =>
    child.on('exit', (code, signal) => {
      clearTimeout(deadline);
      resolve(code ?? (signal ? 1 : 0));
    }),
  );
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`test:faults: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
