// The SDK's log flush timer, slowed for an idle worker's sake: the SDK still sets exactly one
// (an upgrade that drops or renames it shows here), its flush still runs, and setInterval is the
// process's own again whatever install does.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Runtime } from '@temporalio/worker';
import { withSlowerLogFlush } from '../../../src/app/runtime';

test("the SDK's runtime sets one log flush timer, and it is replaced", async () => {
  const original = globalThis.setInterval;
  const logger = {
    log: () => undefined,
    trace: () => undefined,
    debug: () => undefined,
    info: () => undefined,
    warn: () => undefined,
    error: () => undefined,
  };
  let runtime: Runtime | undefined;
  const replaced = withSlowerLogFlush(() => {
    runtime = Runtime.install({
      shutdownSignals: [],
      logger,
      telemetryOptions: { logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} } },
    });
  });
  // The native runtime would keep this process alive.
  await runtime?.shutdown();
  assert.equal(replaced, 1);
  assert.equal(globalThis.setInterval, original);
});

test('the replaced flush still runs, with its arguments', async () => {
  let flushed!: (value: string) => void;
  const ran = new Promise<string>((resolve) => (flushed = resolve));
  const replaced = withSlowerLogFlush(() => {
    setInterval((what: string) => flushed(what), 100, 'flushed').unref();
  });
  assert.equal(replaced, 1);
  // The replacement is unref'd, as the SDK's was: something must keep the process up meanwhile.
  const alive = setInterval(() => undefined, 60_000);
  try {
    assert.equal(await ran, 'flushed');
  } finally {
    clearInterval(alive);
  }
});

test('other intervals are left alone, and setInterval is restored when install throws', () => {
  const original = globalThis.setInterval;
  let other: NodeJS.Timeout | undefined;
  assert.throws(
    () =>
      withSlowerLogFlush(() => {
        other = setInterval(() => undefined, 250);
        throw new Error('install failed');
      }),
    /install failed/,
  );
  assert.equal(globalThis.setInterval, original);
  assert.ok(other?.hasRef());
  clearInterval(other);
});
