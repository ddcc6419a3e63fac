// The embedded dev server must die with the process that started it, kill -9 included. Node cannot
// ask Linux for a parent-death signal, so the server runs under this small watchdog (plain Node,
// run with `node -e`, so it works from sources and from dist alike): it holds a pipe from the
// parent on its stdin, and when that pipe reaches end of file (the parent exited, however) it
// stops the server. It reports the server's pid on fd 3 and exits with the server's exit code.

/** argv after the script: the temporal binary, then its arguments. */
export const WATCHDOG_SCRIPT = `
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const [command, ...args] = process.argv.slice(1);
const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
child.on('error', (err) => { process.stderr.write(err.message + '\\n'); process.exit(127); });
if (child.pid) { try { fs.writeSync(3, String(child.pid) + '\\n'); fs.closeSync(3); } catch {} }
let ending = false;
const end = () => {
  if (ending) return;
  ending = true;
  child.kill('SIGTERM');
  setTimeout(() => child.kill('SIGKILL'), 10000).unref();
};
process.stdin.on('data', () => undefined);
process.stdin.on('end', end);
process.stdin.on('error', end);
process.on('SIGTERM', end);
process.on('SIGINT', end);
process.on('SIGHUP', end);
child.on('exit', (code, signal) => process.exit(code === null ? (signal === 'SIGTERM' && ending ? 0 : 1) : code));
`;
