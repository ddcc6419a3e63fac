// The fault knobs: deterministic failures, seeded error rates, outage windows, stream drops.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { StatusError } from '../../../testkit/sim/errors';
import { Faults, type AuthMethod } from '../../../testkit/sim';

/** The status code each call gets ('ok' when it passes). */
async function outcomes(faults: Faults, method: AuthMethod, calls: number): Promise<Array<string>> {
  const out: string[] = [];
  for (let i = 0; i < calls; i++) {
    try {
      await faults.beforeCall(method);
      out.push('ok');
    } catch (err) {
      out.push(err instanceof StatusError ? grpc.status[err.code] : 'unexpected');
    }
  }
  return out;
}

describe('Faults', () => {
  test('failNext fails exactly the next N calls of that method, rules in order', async () => {
    const faults = new Faults();
    faults.failNext('SetAccessRequestState', 2, grpc.status.FAILED_PRECONDITION);
    faults.failNext('SetAccessRequestState', 1, grpc.status.UNAVAILABLE);

    assert.deepEqual(await outcomes(faults, 'Ping', 1), ['ok']);
    assert.deepEqual(await outcomes(faults, 'SetAccessRequestState', 4), [
      'FAILED_PRECONDITION',
      'FAILED_PRECONDITION',
      'UNAVAILABLE',
      'ok',
    ]);
    assert.equal(faults.callCount('SetAccessRequestState'), 4);
  });

  test("'*' applies to every method", async () => {
    const faults = new Faults();
    faults.failNext('*', 1, grpc.status.INTERNAL, 'boom');
    await assert.rejects(faults.beforeCall('GetLocks'), { message: 'boom' });
    assert.deepEqual(await outcomes(faults, 'GetLocks', 1), ['ok']);
  });

  test('the same seed gives the same error-rate failures', async () => {
    const run = async () => {
      const faults = new Faults({ seed: 42 });
      faults.setErrorRate('Ping', 0.5);
      return outcomes(faults, 'Ping', 20);
    };
    const first = await run();
    assert.deepEqual(await run(), first);
    assert.ok(first.includes('ok') && first.includes('UNAVAILABLE'));
  });

  test('an outage window fails every call until it ends and drops streams', async () => {
    let nowMs = 1000;
    const faults = new Faults({ wallNowMs: () => nowMs });
    let dropped = 0;
    faults.onDropStreams(() => dropped++);

    faults.unavailableFor(500);
    assert.deepEqual(await outcomes(faults, 'Ping', 1), ['UNAVAILABLE']);
    nowMs += 500;
    assert.deepEqual(await outcomes(faults, 'Ping', 1), ['ok']);
    assert.equal(dropped, 1);
  });

  test('setUnavailable holds until switched off; reset clears everything', async () => {
    const faults = new Faults();
    faults.setUnavailable(true);
    assert.deepEqual(await outcomes(faults, 'GetLock', 1), ['UNAVAILABLE']);
    faults.setUnavailable(false);
    faults.failNext('GetLock', 5, grpc.status.INTERNAL);
    faults.reset();
    assert.deepEqual(await outcomes(faults, 'GetLock', 1), ['ok']);
  });
});

test('latency delays the call by at least the configured time', async () => {
  const faults = new Faults();
  faults.setLatency('*', 20);
  faults.setLatency('Ping', 20);
  const startedMs = performance.now();
  await faults.beforeCall('Ping');
  assert.ok(performance.now() - startedMs >= 38);
  faults.setLatency('*', 0);
  faults.setLatency('Ping', 0);
});
