// `jit-watcher decisions --shadow`: where the shadow policy disagreed with the live one, read
// back from the sweep histories (findingsLog.ts). Kept apart from decisions.ts, whose table is of
// decisions acted on; these acted on nothing.
import type { Client } from '@temporalio/client';
import type { ShadowVerdict } from '../../policy/shadow';
import { findShadowDisagreements, type FindingsQuery } from '../../temporal/findingsLog';
import type { CliIo } from '../io';
import { table } from '../table';

export async function printShadowDisagreements(
  client: Client,
  q: FindingsQuery,
  json: boolean,
  io: CliIo,
): Promise<void> {
  const found = await findShadowDisagreements(client, q);
  if (json) {
    for (const d of found) io.stdout(JSON.stringify(d) + '\n');
    return;
  }
  if (found.length === 0) {
    io.stdout('no shadow disagreements found\n');
    return;
  }
  const rows = found.map((d) => [
    d.at,
    d.requestId,
    d.user,
    verdictCell(d.live),
    verdictCell(d.shadow),
    d.shadow.reason,
  ]);
  io.stdout(table(['TIME', 'REQUEST', 'USER', 'LIVE', 'SHADOW', 'SHADOW REASON'], rows) + '\n');
}

/** "deny (caps)", "none (compliant)" */
function verdictCell(v: ShadowVerdict): string {
  return `${v.action} (${v.policy})`;
}
