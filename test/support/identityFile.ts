// A bot identity file written the way tbot renews one (a temporary file renamed over the old), so
// tests can swap it mid-run exactly as production sees it.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { SimCluster } from '../../testkit/sim';

export interface BotIdentityFile {
  identityPath: string;
  writeIdentity: (text: string) => Promise<void>;
}

/** Writes the watcher bot's identity into `dir`; `writeIdentity` replaces it later. */
export async function writeBotIdentity(
  sim: SimCluster,
  dir: string,
  ttlMs?: number,
): Promise<BotIdentityFile> {
  const identityPath = path.join(dir, 'identity');
  const writeIdentity = async (text: string): Promise<void> => {
    await fs.writeFile(`${identityPath}.tmp`, text, { mode: 0o600 });
    await fs.rename(`${identityPath}.tmp`, identityPath);
  };
  await writeIdentity(
    await sim.issueIdentity({ user: 'bot-jit-watcher', roles: ['jit-watcher'], ttlMs }),
  );
  return { identityPath, writeIdentity };
}
