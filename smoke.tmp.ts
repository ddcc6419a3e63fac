import { startSimCluster } from './src/sim';
import { rawClient, messageQueue } from './test/integration/sim/rawClient';
(async () => {
  const c = await startSimCluster();
  try {
    const id = await c.issueIdentity({ user: 'bot', roles: ['jit-watcher'] });
    const cl = rawClient(c.authAddress, id);
    console.log(await cl.unary('Ping', {}));
    const r = c.store.createRequest({ user: 'alice', roles: ['node-access'] });
    const w = cl.stream('WatchEvents', { Kinds: [{ Kind: 'access_request' }, { Kind: 'lock' }] });
    const q = messageQueue<Record<string, unknown>>(w);
    console.log(JSON.stringify(await q.next()));
    console.log(JSON.stringify(await cl.unary('ListAccessRequests', {})).slice(0, 300));
    await cl.unary('SetAccessRequestState', { ID: r.id, State: 'APPROVED', Reason: 'ok' });
    console.log(JSON.stringify(await q.next()).slice(0, 300));
    await cl.unary('UpsertLock', { Metadata: { Name: 'l1' }, Spec: { Target: { AccessRequest: r.id }, Message: 'm' } });
    console.log(JSON.stringify(await q.next()));
    console.log(JSON.stringify(await cl.unary('GetLocks', { Targets: [{ AccessRequest: r.id }] })));
    c.faults.dropStreams();
    console.log((await q.error()).message);
    w.cancel();
    cl.close();
  } finally {
    await c.stop();
  }
})();
