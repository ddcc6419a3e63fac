// `npm run demo`: the one-command tour, and the demo's only error boundary. A failure prints one
// line, never a stack trace; Ctrl-C (or SIGTERM) stops everything the demo started and exits 130,
// a second Ctrl-C exits at once.
import { ConfigError } from '../../src/config/errors';
import { parseArgs } from '../../src/config/flags';
import { parseBool } from '../../src/config/values';
import { createLogger } from '../../src/util/logger';
import { runDemo } from './demo';

/** The Temporal Web UI's usual port, so the printed links look familiar; taken: a free one. */
const UI_PORT = 8233;
const EXIT_INTERRUPTED = 130;
const HELP = `usage: npm run demo [-- --keep] [--verbose]

Starts a Temporal dev server, a simulated Teleport cluster and the jit-watcher worker, plays a
short story of access requests and prints each decision as it happens.
  --keep     keep everything running after the story, until Ctrl-C
  --verbose  also print the service's JSON log on stderr`;

class UsageError extends Error {}

interface DemoArgs {
  keep: boolean;
  verbose: boolean;
  help: boolean;
}

const FLAGS = [
  { key: 'keep', names: ['keep'], bool: true },
  { key: 'verbose', names: ['verbose', 'v'], bool: true },
] as const;

/** The product's flag parser; its one-line errors become usage errors (exit 2). */
function parseDemoArgs(argv: string[]): DemoArgs {
  const args: DemoArgs = { keep: false, verbose: false, help: false };
  let parsed;
  try {
    parsed = parseArgs(argv, FLAGS, ['help', 'h']);
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(err.message);
    throw err;
  }
  const stray = parsed.rest[0];
  if (stray !== undefined)
    throw new UsageError(`unknown argument ${JSON.stringify(stray)}; try --keep or --help`);
  args.help = parsed.help;
  for (const { def, origin, value } of parsed.hits) {
    const on = parseBool(value);
    if (on === undefined)
      throw new UsageError(`${origin}: not true or false: ${JSON.stringify(value)}`);
    args[def.key] = on;
  }
  return args;
}

function abortOnSignals(controller: AbortController): void {
  const onSignal = (): void => {
    if (controller.signal.aborted) process.exit(EXIT_INTERRUPTED);
    console.error('\nStopping everything the demo started (Ctrl-C again to force)...');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

/**
 * After Ctrl-C, calls the demo abandoned may still fail late (a gRPC retry on a closed channel
 * throws from a timer): expected, ignored. Before it, such an error is a real failure: it stops
 * the demo like Ctrl-C would, so cleanup still runs, and is reported as one line.
 */
function abortOnUncaught(controller: AbortController, failures: unknown[]): void {
  const onError = (err: unknown): void => {
    if (controller.signal.aborted) return;
    failures.push(err);
    controller.abort();
  };
  process.on('uncaughtException', onError);
  process.on('unhandledRejection', onError);
}

async function run(): Promise<number> {
  const args = parseDemoArgs(process.argv.slice(2));
  if (args.help) {
    console.log(HELP);
    return 0;
  }
  const controller = new AbortController();
  const failures: unknown[] = [];
  abortOnSignals(controller);
  abortOnUncaught(controller, failures);
  try {
    await runDemo({
      keep: args.keep,
      out: (line) => console.log(line),
      uiPort: UI_PORT,
      signal: controller.signal,
      log: args.verbose ? createLogger({ level: 'info' }) : undefined,
    });
  } catch (err) {
    // After Ctrl-C every wait ends with an error; cleanup has run, the exit code says why.
    if (!controller.signal.aborted) throw err;
  }
  if (failures.length > 0) throw failures[0];
  return controller.signal.aborted ? EXIT_INTERRUPTED : 0;
}

run().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`demo: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(err instanceof UsageError ? 2 : 1);
  },
);
