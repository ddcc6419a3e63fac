// Builders for policy tests: requests and locks from a line of shorthand, so each table row reads as
// the situation it describes. Times are minutes relative to NOW; test data only, never used by src.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { AccessRequest, RequestState } from '../../../src/domain/accessRequest';
import type { Lock } from '../../../src/domain/lock';
import { defaultPolicy } from '../../../src/policy/policy';
import type { Decision, Policy } from '../../../src/policy/types';
import { evaluateUser } from '../../../src/policy/user';

export const NOW = new Date('2026-01-01T12:00:00Z');

/** NOW plus some minutes (negative: in the past). */
export function at(minutes: number): Date {
  return new Date(NOW.getTime() + minutes * 60_000);
}

export interface RequestShorthand {
  id: string;
  user?: string;
  roles?: string[];
  /** "kind/name" in cluster "c", or "/cluster/kind/name". */
  resources?: string[];
  state?: RequestState;
  /** Minutes relative to NOW; default -60. */
  created?: number;
  /** Minutes relative to NOW; default +60; null for no expiry. */
  expires?: number | null;
}

/** One row of a per-user table: the user's requests, the locks, and the decisions expected. */
export interface UserRow {
  name: string;
  requests: RequestShorthand[];
  locks?: Lock[];
  policy?: Partial<Policy>;
  user?: string;
  /** `action:requestId:policy`, newest request first. */
  want: string[];
}

export function req(s: RequestShorthand): AccessRequest {
  const r: AccessRequest = {
    id: s.id,
    user: s.user ?? 'alice',
    roles: s.roles ?? ['access'],
    resources: (s.resources ?? []).map((path) => {
      const parts = path.split('/');
      return path.startsWith('/')
        ? { clusterName: parts[1] ?? '', kind: parts[2] ?? '', name: parts[3] ?? '' }
        : { clusterName: 'c', kind: parts[0] ?? '', name: parts[1] ?? '' };
    }),
    state: s.state ?? 'APPROVED',
    created: at(s.created ?? -60),
    reviews: [],
  };
  if (s.expires !== null) r.expires = at(s.expires ?? 60);
  return r;
}

/** Node resources web-1..web-n, for requests that only need a count. */
export function nodes(n: number, prefix = 'web'): string[] {
  return Array.from({ length: n }, (_, i) => `node/${prefix}-${i + 1}`);
}

export function lockOn(
  requestId: string,
  opts: { name?: string; expires?: number | null } = {},
): Lock {
  const lock: Lock = {
    name: opts.name ?? `someone-${requestId}`,
    target: { accessRequest: requestId },
  };
  if (opts.expires !== null && opts.expires !== undefined) lock.expires = at(opts.expires);
  return lock;
}

export function policy(overrides: Partial<Policy> = {}): Policy {
  return { ...defaultPolicy(), ...overrides };
}

/** `action:requestId:policy`, the shape most table rows assert on. */
export function brief(decisions: Decision[]): string[] {
  return decisions.map((d) => `${d.action}:${d.requestId}:${d.policy}`);
}

/** Only the decisions that change something. */
export function actions(decisions: Decision[]): Decision[] {
  return decisions.filter((d) => d.action !== 'none');
}

/** One test per row: evaluate the row's user and compare the brief decisions. */
export function userRowTests(rows: UserRow[]): void {
  for (const row of rows) {
    void it(row.name, () => {
      const got = evaluateUser(
        row.user ?? 'alice',
        row.requests.map(req),
        row.locks ?? [],
        policy(row.policy),
        NOW,
      );
      assert.deepEqual(brief(got), row.want);
    });
  }
}
