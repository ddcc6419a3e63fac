// V8 starts a full collection once the old generation reaches a multiple of what survived the
// last one, and it picks that multiple from the heap cap: under the 256 MB cap the deployments set
// (deploy/systemd/jit-watcher.env, Dockerfile) it is 1.3. The SDK's per-activity machinery
// promotes tens of MB a second in a large sweep, so the worker ran a full collection every ~0.4 s
// and V8's GC threads took a fifth of the CPU. Letting the heap double first cut the full
// collections of a 10,000-request sweep from 132 to 49 and its time by ~10%, for ~40 MB more
// resident memory (bench/RESULTS.md); the cap still bounds the heap. NODE_OPTIONS may not carry
// this V8 flag, so the process sets it itself, before the worker starts its threads.
import * as v8 from 'node:v8';

const FLAG = '--heap-growing-percent';
/** The old generation may grow to (1 + 100/100) = 2x its live size before a full collection. */
const HEAP_GROWING_PERCENT = 100;

/** Sets the growth factor unless the operator passed their own on node's command line. */
export function tuneHeapGrowth(execArgv: readonly string[] = process.execArgv): void {
  if (execArgv.some((arg) => arg.startsWith(FLAG))) return;
  v8.setFlagsFromString(`${FLAG}=${HEAP_GROWING_PERCENT}`);
}
