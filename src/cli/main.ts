// The jit-watcher command line and its single error boundary: every failure becomes one line on
// stderr naming the problem and the fix, never a stack trace. Bare flags (the Go sample's
// `watcher -p HOST:443 -i FILE`) mean `run`.
import { ConfigError } from '../config/errors';
import { IdentityError } from '../teleport/identityFile';
import { TeleportError } from '../teleport/errors';
import { controlCommand } from './commands/control';
import { backtestCommand } from './commands/backtest';
import { decisionsCommand } from './commands/decisions';
import { agreementCommand } from './commands/agreement';
import { serviceCommand } from './commands/service';
import { shadowCommand } from './commands/shadow';
import { simulateCommand } from './commands/simulate';
import { usageCommand } from './commands/usage';
import { processIo, type CliIo } from './io';

const HELP = `jit-watcher: just-in-time access enforcement for Teleport, on Temporal

Usage: jit-watcher [command] [flags]        (no command: run)

Service
  run        run a worker and make sure the cluster's watcher workflow is running
  worker     run a worker only (extra replicas)
Operate
  start      start the watcher workflow without running a worker here
  pause      stop approving, denying and locking until resume
  resume     resume after pause
  sweep      sweep now instead of waiting for the poll interval
  status     the watcher's state: last and next sweep, totals, last error
  policy     the policy the watcher enforces now
  usage      use of each budget per user and environment, and when it frees (--user, --json)
  shadow     shadow set FILE | clear | show: judge by a candidate policy too, acting on nothing
  agreement  how often humans decided as the watcher would have (--since, --json)
  decisions  recorded decisions with their reasons (--user, --request, --since, --json, --shadow);
             --explain re-runs one, --jsonl exports them with their inputs
Try
  simulate   what the policy would decide for a snapshot file, changing nothing
  backtest   what a candidate policy would have decided on the recorded evaluations

Every command takes --help. Go-sample flags work as before: jit-watcher -p HOST:443 -i FILE -m=5
`;

type Command = (argv: string[], io: CliIo) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  run: (argv, io) => serviceCommand('run', argv, io),
  worker: (argv, io) => serviceCommand('worker', argv, io),
  start: (argv, io) => controlCommand('start', argv, io),
  pause: (argv, io) => controlCommand('pause', argv, io),
  resume: (argv, io) => controlCommand('resume', argv, io),
  sweep: (argv, io) => controlCommand('sweep', argv, io),
  status: (argv, io) => controlCommand('status', argv, io),
  policy: (argv, io) => controlCommand('policy', argv, io),
  decisions: (argv, io) => decisionsCommand(argv, io),
  usage: (argv, io) => usageCommand(argv, io),
  shadow: (argv, io) => shadowCommand(argv, io),
  agreement: (argv, io) => agreementCommand(argv, io),
  simulate: (argv, io) => simulateCommand(argv, io),
  backtest: (argv, io) => backtestCommand(argv, io),
};

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === 'help' || first === '--help' || first === '-h') {
    io.stdout(HELP);
    return first === undefined ? 2 : 0;
  }
  const command = first.startsWith('-') ? COMMANDS.run : COMMANDS[first];
  const args = first.startsWith('-') ? argv : rest;
  if (!command) {
    io.stderr(`jit-watcher: unknown command "${first}"; run jit-watcher --help for the list\n`);
    return 2;
  }
  try {
    return await command(args, io);
  } catch (err) {
    io.stderr(`jit-watcher: ${describe(err)}\n`);
    return err instanceof ConfigError ? 2 : 1;
  }
}

/** One line, whatever was thrown. */
function describe(err: unknown): string {
  if (err instanceof ConfigError || err instanceof IdentityError) return err.message;
  if (err instanceof TeleportError)
    return `Teleport ${err.method ?? ''}: ${err.message}`.replace(/ :/, ':');
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0] ?? message;
}

if (require.main === module) {
  main(process.argv.slice(2), processIo()).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`jit-watcher: ${describe(err)}\n`);
      process.exit(1);
    },
  );
}
