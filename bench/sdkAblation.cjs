// Measurement only, never deployed (bench/RESULTS.md, "What the SDK's sandbox costs"). Preloaded
// into every thread with `JIT_BENCH_NODE_ARGS="--require ./bench/sdkAblation.cjs"`, it turns off,
// in the SDK's workflow thread only, the parts JIT_BENCH_ABLATE names (comma-separated), so a
// burst can be run with and without them side by side:
// - `hook`: the promise hook the SDK installs to answer stack-trace queries, which builds a
//   source-mapped stack for every promise workflow code creates;
// - `watchdog`: the timeout on each call into the workflow sandbox (the SDK's deadlock
//   detection), for which Node starts and joins a thread per call.
// Both are SDK 1.24 internals with no option to turn them off; a worker without them loses the
// Web UI's stack trace and deadlock detection, which is why the product keeps them.
'use strict';
const { isMainThread } = require('node:worker_threads');

const parts = new Set((process.env.JIT_BENCH_ABLATE || '').split(',').filter(Boolean));

if (!isMainThread && parts.has('hook')) {
  const v8 = require('node:v8');
  v8.promiseHooks = { ...v8.promiseHooks, createHook: () => () => undefined };
}

if (!isMainThread && parts.has('watchdog')) {
  const vm = require('node:vm');
  const run = vm.Script.prototype.runInContext;
  vm.Script.prototype.runInContext = function runWithoutTimeout(context, options) {
    if (!options || options.timeout === undefined) return run.call(this, context, options);
    const { timeout: _ignored, ...rest } = options;
    return run.call(this, context, rest);
  };
}
