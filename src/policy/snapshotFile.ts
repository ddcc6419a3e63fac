// Reads a snapshot file (JSON text) into a Snapshot for `simulate` and tests, with the file's own
// `policy` keys if it has some. Pure: the caller reads the file. A bad file is a returned error
// naming the field and entry, never a thrown one. A request's `reason` is its request_reason.
// Resources are "kind/name" (cluster: the file's clusterName, default "") or "/cluster/kind/name[/sub]".
// `usage` is prior use for budgets ({user, environment, start, end}), the users' ledgers from the
// earliest start given (or `usageSince`).
import {
  REQUEST_STATES,
  type AccessRequest,
  type RequestState,
  type ResourceId,
} from '../domain/accessRequest';
import { LOCK_TARGET_KEYS, type Lock, type LockTarget } from '../domain/lock';
import type { Snapshot } from './types';
import type { UsageSpan, UserUsage } from './usage';
import { markApprovedByWatcher } from './watcherApproval';

/** `policy`: the file's own policy keys, unchecked (the caller merges and validates them). */
export type SnapshotResult =
  { ok: true; snapshot: Snapshot; policy?: Record<string, unknown> } | { ok: false; error: string };

const TOP_FIELDS = [
  'now',
  'clusterName',
  'requests',
  'locks',
  'previousWatcherLocks',
  'usage',
  'usageSince',
  'policy',
];
const USAGE_FIELDS = ['user', 'environment', 'start', 'end', 'requestId', 'grantedAt'];
const REQUEST_FIELDS = [
  'id',
  'user',
  'roles',
  'resources',
  'state',
  'created',
  'expires',
  'assumeStartTime',
  'maxDuration',
  'requestReason',
  'reason',
  'approvedByWatcher',
];
const LOCK_FIELDS = ['name', 'target', 'message', 'expires', 'createdAt', 'createdBy'];
const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** Thrown only inside this file and turned into a returned error at parseSnapshot. */
class Problem extends Error {}

export function parseSnapshot(text: string): SnapshotResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return {
      ok: false,
      error: `not valid JSON: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
  try {
    const snapshot = readSnapshot(raw);
    const policy = (raw as Record<string, unknown>).policy;
    if (policy === undefined) return { ok: true, snapshot };
    return { ok: true, snapshot, policy: record(policy, 'policy', Object.keys(policy ?? {})) };
  } catch (err) {
    if (err instanceof Problem) return { ok: false, error: err.message };
    throw err;
  }
}

function readSnapshot(raw: unknown): Snapshot {
  const top = record(raw, 'snapshot', TOP_FIELDS);
  const now = time(top.now, 'now');
  if (now === undefined)
    throw new Problem('now: required, an RFC 3339 time like "2026-01-01T12:00:00Z"');
  const cluster = top.clusterName === undefined ? '' : str(top.clusterName, 'clusterName', true);
  const requests = list(top.requests, 'requests', true).map((r, i) =>
    readRequest(r, `requests[${i}]`, cluster),
  );
  const seen = new Map<string, number>();
  requests.forEach((r, i) => {
    const first = seen.get(r.id);
    if (first !== undefined)
      throw new Problem(
        `requests[${i}].id: duplicate id ${JSON.stringify(r.id)} (also requests[${first}])`,
      );
    seen.set(r.id, i);
  });
  const locks = list(top.locks, 'locks', false).map((l, i) => readLock(l, `locks[${i}]`));
  const snapshot: Snapshot = { now, requests, locks };
  if (top.previousWatcherLocks !== undefined) {
    snapshot.previousWatcherLocks = strings(top.previousWatcherLocks, 'previousWatcherLocks');
  }
  if (top.usage !== undefined || top.usageSince !== undefined) {
    snapshot.usage = readUsage(top.usage, time(top.usageSince, 'usageSince'), now);
    snapshot.usageSince =
      snapshot.usage[0]?.since ??
      time(top.usageSince, 'usageSince')?.toISOString() ??
      now.toISOString();
  }
  return snapshot;
}

function readRequest(raw: unknown, at: string, cluster: string): AccessRequest {
  const r = record(raw, at, REQUEST_FIELDS);
  const state = r.state;
  if (typeof state !== 'string' || !REQUEST_STATES.includes(state as RequestState)) {
    throw new Problem(
      `${at}.state: must be one of ${REQUEST_STATES.join(', ')}, got ${JSON.stringify(state) ?? 'nothing'}`,
    );
  }
  const created = time(r.created, `${at}.created`);
  if (created === undefined) throw new Problem(`${at}.created: required, an RFC 3339 time`);
  const request: AccessRequest = {
    id: str(r.id, `${at}.id`, false),
    user: str(r.user, `${at}.user`, false),
    roles: r.roles === undefined ? [] : strings(r.roles, `${at}.roles`),
    resources:
      r.resources === undefined
        ? []
        : strings(r.resources, `${at}.resources`).map((s, i) =>
            resource(s, `${at}.resources[${i}]`, cluster),
          ),
    state: state as RequestState,
    created,
    reviews: [],
  };
  const expires = time(r.expires, `${at}.expires`);
  if (expires !== undefined) request.expires = expires;
  const assumeStartTime = time(r.assumeStartTime, `${at}.assumeStartTime`);
  if (assumeStartTime !== undefined) request.assumeStartTime = assumeStartTime;
  const maxDuration = time(r.maxDuration, `${at}.maxDuration`);
  if (maxDuration !== undefined) request.maxDuration = maxDuration;
  if (r.requestReason !== undefined && r.reason !== undefined)
    throw new Problem(`${at}.reason: give reason or requestReason, not both`);
  if (r.requestReason !== undefined)
    request.requestReason = str(r.requestReason, `${at}.requestReason`, true);
  if (r.reason !== undefined) request.requestReason = str(r.reason, `${at}.reason`, true);
  if (r.approvedByWatcher !== undefined) {
    if (typeof r.approvedByWatcher !== 'boolean')
      throw new Problem(
        `${at}.approvedByWatcher: must be true or false, got ${JSON.stringify(r.approvedByWatcher)}`,
      );
    if (r.approvedByWatcher && state !== 'APPROVED')
      throw new Problem(
        `${at}.approvedByWatcher: only an APPROVED request can be, got state ${state}`,
      );
    // As the watcher marks its approvals in state mode (watcherApproval.ts).
    if (r.approvedByWatcher)
      return markApprovedByWatcher(request, `${request.id}/approve/compliant`);
  }
  return request;
}

/** Prior use, one entry a span, into one ledger per user (users in code-unit order). */
function readUsage(raw: unknown, since: Date | undefined, now: Date): UserUsage[] {
  const byUser = new Map<string, UsageSpan[]>();
  list(raw, 'usage', false).forEach((entry, i) => {
    const at = `usage[${i}]`;
    const u = record(entry, at, USAGE_FIELDS);
    const user = str(u.user, `${at}.user`, false);
    const start = time(u.start, `${at}.start`);
    const end = time(u.end, `${at}.end`);
    if (start === undefined) throw new Problem(`${at}.start: required, an RFC 3339 time`);
    if (end === undefined) throw new Problem(`${at}.end: required, an RFC 3339 time`);
    if (end.getTime() < start.getTime())
      throw new Problem(`${at}.end: before its start ${start.toISOString()}`);
    const granted = time(u.grantedAt, `${at}.grantedAt`) ?? start;
    const span: UsageSpan = {
      requestId:
        u.requestId === undefined ? `usage-${i + 1}` : str(u.requestId, `${at}.requestId`, false),
      environment: str(u.environment, `${at}.environment`, false),
      start: start.toISOString(),
      end: end.toISOString(),
      grantedAt: granted.toISOString(),
    };
    byUser.set(user, [...(byUser.get(user) ?? []), span]);
  });
  const earliest = [...byUser.values()]
    .flat()
    .map((s) => s.start)
    .sort()[0];
  const from = since?.toISOString() ?? earliest ?? now.toISOString();
  return [...byUser.keys()]
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((user) => ({ user, since: from, spans: byUser.get(user) ?? [] }));
}

function readLock(raw: unknown, at: string): Lock {
  const l = record(raw, at, LOCK_FIELDS);
  const t = record(l.target, `${at}.target`, LOCK_TARGET_KEYS);
  const target: LockTarget = {};
  for (const key of LOCK_TARGET_KEYS) {
    if (t[key] !== undefined) target[key] = str(t[key], `${at}.target.${key}`, false);
  }
  const lock: Lock = { name: str(l.name, `${at}.name`, false), target };
  if (l.message !== undefined) lock.message = str(l.message, `${at}.message`, true);
  if (l.createdBy !== undefined) lock.createdBy = str(l.createdBy, `${at}.createdBy`, true);
  const expires = time(l.expires, `${at}.expires`);
  if (expires !== undefined) lock.expires = expires;
  const createdAt = time(l.createdAt, `${at}.createdAt`);
  if (createdAt !== undefined) lock.createdAt = createdAt;
  return lock;
}

/** "kind/name" in the file's cluster, or "/cluster/kind/name[/sub/...]". */
function resource(s: string, at: string, cluster: string): ResourceId {
  const parts = s.split('/');
  if (!s.startsWith('/') && parts.length === 2 && parts.every((p) => p !== '')) {
    return { clusterName: cluster, kind: parts[0] ?? '', name: parts[1] ?? '' };
  }
  const [, clusterName, kind, name, ...sub] = parts;
  if (s.startsWith('/') && clusterName && kind && name && sub.every((p) => p !== '')) {
    const id: ResourceId = { clusterName, kind, name };
    if (sub.length > 0) id.subResourceName = sub.join('/');
    return id;
  }
  throw new Problem(
    `${at}: expected "kind/name" or "/cluster/kind/name", got ${JSON.stringify(s)}`,
  );
}

function record(raw: unknown, at: string, fields: readonly string[]): Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new Problem(`${at}: must be an object, got ${JSON.stringify(raw) ?? 'nothing'}`);
  }
  const r = raw as Record<string, unknown>;
  for (const key of Object.keys(r)) {
    if (!fields.includes(key))
      throw new Problem(`${at}.${key}: unknown field; expected one of ${fields.join(', ')}`);
  }
  return r;
}

function list(raw: unknown, at: string, required: boolean): unknown[] {
  if (raw === undefined && !required) return [];
  if (!Array.isArray(raw))
    throw new Problem(`${at}: must be a list, got ${JSON.stringify(raw) ?? 'nothing'}`);
  return raw;
}

function strings(raw: unknown, at: string): string[] {
  return list(raw, at, true).map((s, i) => str(s, `${at}[${i}]`, false));
}

function str(raw: unknown, at: string, emptyOk: boolean): string {
  if (typeof raw !== 'string' || (!emptyOk && raw === '')) {
    throw new Problem(`${at}: must be a non-empty string, got ${JSON.stringify(raw) ?? 'nothing'}`);
  }
  return raw;
}

/** undefined for an absent or null field; a Problem for anything but a real RFC 3339 time. */
function time(raw: unknown, at: string): Date | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'string' || !isRfc3339(raw)) {
    throw new Problem(`${at}: not an RFC 3339 time: ${JSON.stringify(raw)}`);
  }
  return new Date(raw);
}

function isRfc3339(s: string): boolean {
  const m = RFC3339.exec(s);
  if (!m || Number.isNaN(Date.parse(s))) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  // Date would roll 2026-02-30 over into March; a real calendar date keeps its day.
  const calendar = new Date(Date.UTC(year ?? 0, (month ?? 0) - 1, day ?? 0));
  return (
    calendar.getUTCMonth() === (month ?? 0) - 1 &&
    (hour ?? 99) <= 23 &&
    (minute ?? 99) <= 59 &&
    (second ?? 99) <= 60
  );
}
