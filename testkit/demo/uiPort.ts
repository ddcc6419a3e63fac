// Chooses the Web UI port before the dev server starts, so the progress line can name the URL and
// a second demo (or a Temporal UI already on 8233) does not make the first run fail.
import * as net from 'node:net';
import { freePort } from '../../src/util/freePort';

export interface UiPortChoice {
  port: number;
  /** Set when the wanted port was taken and another was picked. */
  fallbackFrom?: number;
}

/** `wanted` if it is free on loopback, else a free port; 0 means any free port. */
export async function chooseUiPort(wanted: number): Promise<UiPortChoice> {
  if (wanted === 0) return { port: await freePort() };
  if (await portFree(wanted)) return { port: wanted };
  return { port: await freePort(), fallbackFrom: wanted };
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
