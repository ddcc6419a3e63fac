// The event stream: INIT first, then every change in order, cancellable, and a dropped stream
// surfaces as a retryable ConnectionProblem.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startSimCluster, type SimCluster } from '../../../testkit/sim';
import type { GrpcTeleportClient } from '../../../src/teleport/client';
import { TeleportError } from '../../../src/teleport/errors';
import type { WatchEvent } from '../../../src/teleport/types';
import { clientFor } from '../../support/teleport';

describe('watch', () => {
  let sim: SimCluster;
  let bot: GrpcTeleportClient;
  before(async () => {
    sim = await startSimCluster();
    bot = await clientFor(sim, { via: 'proxy' });
  });
  after(async () => {
    bot.close();
    await sim.stop();
  });

  /** Collects events until `count` have arrived after INIT, acting once INIT is seen. */
  async function collect(count: number, act: () => Promise<void>): Promise<WatchEvent[]> {
    const controller = new AbortController();
    const events: WatchEvent[] = [];
    for await (const event of bot.watch({
      kinds: ['access_request', 'lock'],
      signal: controller.signal,
    })) {
      events.push(event);
      if (event.type === 'init') await act();
      if (events.length > count) controller.abort();
    }
    return events;
  }

  test('delivers create, approve, lock and delete in order after INIT', async () => {
    let id = '';
    const events = await collect(4, async () => {
      const created = await bot
        .createRequest({ user: 'bot-jit-watcher', roles: ['node-access'] })
        .catch(() => undefined);
      // The bot may not create requests for others; create through the store as a user would.
      id = created?.id ?? sim.store.createRequest({ user: 'alice', roles: ['node-access'] }).id;
      await bot.setRequestState({ id, state: 'APPROVED', reason: 'ok' });
      await bot.upsertLock({
        name: `jit-watcher-${id}`,
        target: { accessRequest: id },
        message: 'locked',
      });
      // The watcher's role may not delete locks (it never does); remove it as an admin would.
      sim.store.deleteLock(`jit-watcher-${id}`);
    });
    assert.equal(events[0]?.type, 'init');
    const summary = events
      .slice(1)
      .map((e) =>
        e.type === 'put'
          ? e.kind === 'access_request'
            ? `put request ${e.request.state}`
            : `put lock ${e.lock.target.accessRequest}`
          : `${e.type} ${e.type === 'delete' ? e.kind : ''}`,
      );
    assert.deepEqual(summary, [
      'put request PENDING',
      'put request APPROVED',
      `put lock ${id}`,
      'delete lock',
    ]);
  });

  test('a dropped stream is a retryable ConnectionProblem', async () => {
    await assert.rejects(
      (async () => {
        for await (const event of bot.watch({ kinds: ['access_request'] })) {
          if (event.type === 'init') sim.faults.dropStreams();
        }
      })(),
      (err: unknown) =>
        err instanceof TeleportError && err.kind === 'ConnectionProblem' && err.retryable,
    );
  });

  test('an unknown filter key is BadParameter', async () => {
    await assert.rejects(
      (async () => {
        for await (const _ of bot.watch({
          kinds: ['access_request'],
          filters: { access_request: { colour: 'red' } },
        })) {
          // no events expected
        }
      })(),
      (err: unknown) =>
        err instanceof TeleportError &&
        err.kind === 'BadParameter' &&
        /unknown filter key colour/.test(err.message),
    );
  });
});
