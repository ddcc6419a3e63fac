// Immediate decisions from Teleport's event stream, through the real service: no waiting for the
// poll interval (10 minutes here), reconnection with reconciliation, renewed and broken identity
// files, and an event racing a sweep for the same request.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SimStore } from '../../testkit/sim';
import { waitFor } from '../../src/util/waitFor';
import { startService } from '../support/service';
import { node } from '../support/requests';

function approvalsOf(store: SimStore, id: string): () => number {
  let count = 0;
  const stop = store.subscribe((e) => {
    if (
      e.type === 'put' &&
      e.kind === 'access_request' &&
      e.request.id === id &&
      e.request.state === 'APPROVED'
    )
      count += 1;
  });
  return () => {
    stop();
    return count;
  };
}

const decided = (store: SimStore, id: string, state = 'APPROVED') =>
  waitFor(() => store.getRequest(id)?.state === state, {
    timeoutMs: 20_000,
    what: `request ${id} ${state}`,
  });

describe('event-driven decisions', () => {
  test('a new request is decided without waiting for the poll interval', async () => {
    const svc = await startService();
    try {
      await waitFor(
        async () =>
          Object.values((await svc.control.status()).workers).some(
            (w) => w.eventStream === 'connected',
          ),
        {
          timeoutMs: 20_000,
          what: 'the event stream to connect',
        },
      );
      const { store } = svc.sim;
      const ok = store.createRequest({
        user: 'amy',
        roles: ['node-access'],
        resources: [node('a-1')],
      });
      const bad = store.createRequest({ user: 'ben', roles: ['prod-x', 'research-y'] });
      await decided(store, ok.id);
      await decided(store, bad.id, 'DENIED');
    } finally {
      await svc.stop();
    }
  });

  test('a dropped stream reconnects and reconciles what happened meanwhile', async () => {
    const svc = await startService();
    try {
      const { store, faults } = svc.sim;
      await waitFor(() => svc.sim.openWatchStreams > 0, { what: 'the event stream' });
      const connectedBefore = svc.logs.filter(
        (l) => l.msg === 'event stream lost; reconnecting',
      ).length;
      faults.unavailableFor(1500);
      // Created while the stream is down: no event will ever carry it.
      const missed = store.createRequest({
        user: 'cid',
        roles: ['node-access'],
        resources: [node('c-1')],
      });
      await decided(store, missed.id);
      assert.ok(
        svc.logs.filter((l) => l.msg === 'event stream lost; reconnecting').length >
          connectedBefore,
      );
    } finally {
      await svc.stop();
    }
  });

  test('an event and a sweep racing for the same request apply the action once', async () => {
    const svc = await startService();
    try {
      const { store } = svc.sim;
      await waitFor(() => svc.sim.openWatchStreams > 0, { what: 'the event stream' });
      const request = store.createRequest({
        user: 'dee',
        roles: ['node-access'],
        resources: [node('d-1')],
      });
      const count = approvalsOf(store, request.id);
      await svc.control.sweepNow();
      await decided(store, request.id);
      // Let any second sweep finish before counting.
      const sweeps = (await svc.control.status()).sweeps;
      await svc.control.sweepNow();
      await waitFor(async () => (await svc.control.status()).sweeps > sweeps, {
        what: 'one more sweep',
      });
      assert.equal(count(), 1);
    } finally {
      await svc.stop();
    }
  });
});

describe('identity renewal', () => {
  test('a renewed identity is picked up and the watcher goes on after the old one expires', async () => {
    const svc = await startService({ identityTtlMs: 8_000 });
    try {
      const { sim } = svc;
      const first = svc.logs.find((l) => l.msg === 'identity loaded');
      const oldExpiry = Date.parse(String(first?.expires));
      await svc.writeIdentity(
        await sim.issueIdentity({
          user: 'bot-jit-watcher',
          roles: ['jit-watcher'],
          ttlMs: 3_600_000,
        }),
      );
      await waitFor(() => svc.logs.some((l) => l.msg === 'identity renewed'), {
        timeoutMs: 40_000,
        what: 'the renewal',
      });
      await waitFor(() => Date.now() > oldExpiry + 500, {
        timeoutMs: 15_000,
        what: 'the old certificate to expire',
      });
      const request = sim.store.createRequest({
        user: 'eve',
        roles: ['node-access'],
        resources: [node('e-1')],
      });
      await decided(sim.store, request.id);
      const status = await svc.control.status();
      const worker = Object.values(status.workers)[0];
      assert.ok(worker && Date.parse(worker.identityExpiresAt ?? '') > oldExpiry);
    } finally {
      await svc.stop();
    }
  });

  test('a corrupted new identity file keeps the old identity, with one clear error', async () => {
    const svc = await startService();
    try {
      await svc.writeIdentity('-----BEGIN CERTIFICATE-----\ngarbage\n-----END CERTIFICATE-----\n');
      await waitFor(() => svc.logs.some((l) => l.level === 'error'), {
        timeoutMs: 40_000,
        what: 'the error',
      });
      await svc.writeIdentity('-----BEGIN CERTIFICATE-----\ngarbage\n-----END CERTIFICATE-----\n');
      const request = svc.sim.store.createRequest({
        user: 'fay',
        roles: ['node-access'],
        resources: [node('f-1')],
      });
      await decided(svc.sim.store, request.id);
      const errors = svc.logs.filter((l) => l.level === 'error');
      assert.equal(errors.length, 1, JSON.stringify(errors));
      assert.match(
        String(errors[0]?.msg),
        /new identity file rejected, keeping the current one \(expires .*\): identity file .* has no private key/,
      );
      await waitFor(
        async () =>
          Object.values((await svc.control.status()).workers).some((w) =>
            /rejected/.test(w.identityProblem ?? ''),
          ),
        {
          what: 'status to show the problem',
        },
      );
    } finally {
      await svc.stop();
    }
  });
});
