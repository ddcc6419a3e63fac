// Plain-text output of the sim CLI: tables of requests and locks. Pure
// string work, so the tables can be tested without a cluster; never prints secrets.
import { table } from '../../src/cli/table';
import type { AccessRequest } from '../../src/domain/accessRequest';
import type { Lock } from '../../src/domain/lock';
import { lockTargetToWire } from '../../src/teleport/convert';

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
