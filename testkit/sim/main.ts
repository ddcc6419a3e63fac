// `npm run sim`: the simulated cluster's admin CLI as its own program, so the production command
// line (src/cli) carries no simulator. Exit code from the command; one line on error.
import { simCommand } from './cli';

simCommand(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`sim: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
