// The embedded dev server must die with the process that started it, kill -9 included. Node cannot
// ask Linux for a parent-death signal, so the server runs under this small watchdog, a POSIX shell
// script (`sh -c`, a few MiB; it was a second Node runtime of ~40 MiB, issue 23): it holds a pipe
// from the parent on its stdin, and when that pipe reaches end of file (the parent exited, however)
// it stops the server. It reports the server's pid on fd 3 and exits with the server's exit code.

/** The shell that runs the watchdog; every Debian-based image and CI runner has it. */
export const WATCHDOG_SHELL = '/bin/sh';

/**
 * Run as `sh -c WATCHDOG_SCRIPT jit-watcher-watchdog temporal ARGS...`. The server gets neither the
 * parent's pipe (stdin, kept as fd 4 for the reader) nor the pid pipe (fd 3). A reader subshell
 * waits for end of file on fd 4 and then sends this shell SIGTERM, the same as a stop from
 * outside: SIGTERM to the server, SIGKILL 10 s later if it is still running. `wait` returns early
 * when a trapped signal arrives, hence the loop. A server killed by SIGTERM while stopping counts
 * as a clean exit (0), by another signal as a failure (1).
 */
export const WATCHDOG_SCRIPT = `
exec 4<&0
"$@" </dev/null 3>&- 4<&- &
child=$!
echo "$child" >&3
exec 3>&-
( while read -r _ <&4; do :; done; kill -TERM $$ 2>/dev/null ) </dev/null &
reader=$!
exec 4<&-
ending=0
end() {
  [ "$ending" = 1 ] && return
  ending=1
  kill -TERM "$child" 2>/dev/null
}
trap end TERM INT HUP
while :; do
  wait "$child"
  code=$?
  kill -0 "$child" 2>/dev/null || break
  if [ "$ending" = 1 ]; then
    waited=0
    while kill -0 "$child" 2>/dev/null && [ "$waited" -lt 100 ]; do
      sleep 0.1
      waited=$((waited + 1))
    done
    kill -KILL "$child" 2>/dev/null
  fi
done
kill "$reader" 2>/dev/null
if [ "$code" -gt 128 ]; then
  if [ "$ending" = 1 ] && [ "$code" = 143 ]; then exit 0; fi
  exit 1
fi
exit "$code"
`;
