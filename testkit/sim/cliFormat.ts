// Plain-text output of the sim CLI: tables of requests and locks, and the duration flag. Pure
// string work, so the tables can be tested without a cluster; never prints secrets.
import type { AccessRequest } from '../../src/domain/accessRequest';
import type { Lock } from '../../src/domain/lock';
import { lockTargetToWire } from '../../src/teleport/convert';

/** Left-aligned columns separated by two spaces, header first. */
function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

export function formatRequests(requests: AccessRequest[]): string {
  if (requests.length === 0) return 'no access requests';
  return table(
    ['ID', 'USER', 'STATE', 'ROLES', 'RESOURCES', 'ACCESS EXPIRES'],
    requests.map((r) => [
      r.id,
      r.user,
      r.state,
      r.roles.join(',') || '-',
      r.resources.map((x) => `${x.kind}/${x.name}`).join(',') || '-',
      r.expires?.toISOString() ?? '-',
    ]),
  );
}

export function formatLocks(locks: Lock[]): string {
  if (locks.length === 0) return 'no locks';
  return table(
    ['NAME', 'TARGET', 'MESSAGE', 'EXPIRES', 'CREATED BY'],
    locks.map((l) => [
      l.name,
      // Teleport's field names, as tctl shows a lock target.
      Object.entries(lockTargetToWire(l.target))
        .map(([k, v]) => `${k}=${v}`)
        .join(',') || '-',
      l.message || '-',
      l.expires?.toISOString() ?? 'never',
      l.createdBy || '-',
    ]),
  );
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "90s", "30m", "1h30m", "2d"; undefined when the text is not such a duration. */
export function parseDuration(text: string): number | undefined {
  const parts = [...text.matchAll(/(\d+)(ms|s|m|h|d)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) return undefined;
  return parts.reduce((sum, p) => sum + Number(p[1]) * (UNIT_MS[p[2] ?? ''] ?? 0), 0);
}
