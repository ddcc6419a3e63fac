import * as tls from 'node:tls';
import { startSimCluster } from './src/sim';
import { splitIdentity } from './test/integration/sim/rawClient';
(async () => {
  const c = await startSimCluster({ proxy: false });
  const id = splitIdentity(await c.issueIdentity({ user: 'bot', roles: ['jit-watcher'] }));
  const [host, port] = c.authAddress.split(':');
  const s = tls.connect({ host, port: Number(port), key: id.key, cert: id.cert, ca: id.cas, servername: 'teleport.cluster.local', ALPNProtocols: ['h2'] });
  s.on('secureConnect', () => { console.log('ok', s.alpnProtocol, s.authorized); s.destroy(); void c.stop(); });
  s.on('error', (e) => { console.log('err', e.message); void c.stop(); });
})();
