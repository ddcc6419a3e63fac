// Plain-text output of the sim CLI: tables of requests and locks. Pure
// string work, so the tables can be tested without a cluster; never prints secrets.
import { table } from '../../src/cli/table';
import { fromTimestamp, type WireAccessRequest, type WireLock } from './wire';

const time = (ts: Parameters<typeof fromTimestamp>[0]) => fromTimestamp(ts)?.toISOString() ?? '-';

export function formatRequests(requests: WireAccessRequest[]): string {
  if (requests.length === 0) return 'no access requests';
  return table(
    ['ID', 'USER', 'STATE', 'ROLES', 'RESOURCES', 'ACCESS EXPIRES'],
    requests.map((r) => {
      const spec = r.Spec ?? {};
      const resources = (spec.RequestedResourceIDs ?? []).map(
        (x) => `${x.Kind ?? ''}/${x.Name ?? ''}`,
      );
      return [
        r.Metadata?.Name ?? '',
        spec.User ?? '',
        spec.State ?? 'NONE',
        (spec.Roles ?? []).join(',') || '-',
        resources.join(',') || '-',
        time(spec.Expires as Parameters<typeof fromTimestamp>[0]),
      ];
    }),
  );
}

export function formatLocks(locks: WireLock[]): string {
  if (locks.length === 0) return 'no locks';
  return table(
    ['NAME', 'TARGET', 'MESSAGE', 'EXPIRES', 'CREATED BY'],
    locks.map((l) => [
      l.Metadata?.Name ?? '',
      Object.entries(l.Spec?.Target ?? {})
        .filter(([, v]) => v)
        .map(([k, v]) => `${k}=${v}`)
        .join(',') || '-',
      l.Spec?.Message || '-',
      l.Spec?.Expires ? time(l.Spec.Expires) : 'never',
      l.Spec?.CreatedBy || '-',
    ]),
  );
}
