// What one ledger shard keeps: each user's spans of use, merged write by write. A write is the
// writer's view of a user's whole ledger; merging (union by request and environment, the earlier
// end and grant winning) makes writes idempotent and order-free, so a retried or repeated write
// changes nothing and an access seen ended early stays ended. Spans are kept compact (times as
// milliseconds, the end and the grant as offsets from the start, grouped by environment): the
// book is what continue-as-new carries, and at 10,000 users with a week of use it must stay far
// below Temporal's payload limits. Pure: the ledger workflow's state.
import type { UsageSpan, UserUsage } from '../../policy/usage';

/** One span: request id, start (epoch ms), end - start, grantedAt - start (ms). */
export type CompactSpan = [requestId: string, start: number, length: number, granted: number];

/** A shard's users, by name: when each user's ledger began, and spans by environment pattern. */
export type LedgerBook = Record<string, { since: number; spans: Record<string, CompactSpan[]> }>;

/** One write: users' ledgers as their writer observed them, and what may be forgotten. */
export interface UsageWrite {
  usage: UserUsage[];
  /** Spans that ended before `now` minus this no longer count toward any budget: dropped. */
  retainMs: number;
  /** RFC 3339, Teleport's time at the write. */
  now: string;
}

/** The book with `write` merged in and spans past retention dropped (users left empty too). */
export function mergeWrite(book: LedgerBook, write: UsageWrite): LedgerBook {
  const next: LedgerBook = { ...book };
  for (const usage of write.usage) {
    const kept = next[usage.user];
    const since = Date.parse(usage.since);
    const spans = { ...kept?.spans };
    for (const span of usage.spans) {
      spans[span.environment] = mergeSpan(spans[span.environment] ?? [], compact(span));
    }
    next[usage.user] = { since: kept && kept.since < since ? kept.since : since, spans };
  }
  return prune(next, Date.parse(write.now) - write.retainMs);
}

/** The users' ledgers, those the book knows; the others have no recorded use. */
export function readUsers(book: LedgerBook, users: readonly string[]): UserUsage[] {
  return users.flatMap((user) => {
    const entry = book[user];
    if (!entry) return [];
    const spans = Object.entries(entry.spans)
      .flatMap(([environment, list]) => list.map((s) => expand(environment, s)))
      .sort(byStart);
    return [{ user, since: new Date(entry.since).toISOString(), spans }];
  });
}

/** Users and spans held, and the book's size as JSON: what `usage --json` and the bench show. */
export function bookSize(book: LedgerBook): { users: number; spans: number; bytes: number } {
  const entries = Object.values(book);
  return {
    users: entries.length,
    spans: entries.reduce(
      (n, e) => n + Object.values(e.spans).reduce((m, list) => m + list.length, 0),
      0,
    ),
    bytes: JSON.stringify(book).length,
  };
}

function compact(span: UsageSpan): CompactSpan {
  const start = Date.parse(span.start);
  return [span.requestId, start, Date.parse(span.end) - start, Date.parse(span.grantedAt) - start];
}

function expand(environment: string, [requestId, start, length, granted]: CompactSpan): UsageSpan {
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    requestId,
    environment,
    start: iso(start),
    end: iso(start + length),
    grantedAt: iso(start + granted),
  };
}

/** The span merged into the list: a known request keeps the earlier end and grant. */
function mergeSpan(list: readonly CompactSpan[], span: CompactSpan): CompactSpan[] {
  const i = list.findIndex((s) => s[0] === span[0]);
  if (i < 0) return [...list, span].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1));
  const old = list[i]!;
  const end = Math.min(old[1] + old[2], span[1] + span[2]);
  const granted = Math.min(old[1] + old[3], span[1] + span[3]);
  const merged: CompactSpan = [old[0], old[1], end - old[1], granted - old[1]];
  return list.map((s, j) => (j === i ? merged : s));
}

function byStart(a: UsageSpan, b: UsageSpan): number {
  if (a.start !== b.start) return a.start < b.start ? -1 : 1;
  const ka = `${a.requestId}\u0000${a.environment}`;
  const kb = `${b.requestId}\u0000${b.environment}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

function prune(book: LedgerBook, cutoffMs: number): LedgerBook {
  const out: LedgerBook = {};
  for (const [user, entry] of Object.entries(book)) {
    const spans: Record<string, CompactSpan[]> = {};
    for (const [environment, list] of Object.entries(entry.spans)) {
      const kept = list.filter((s) => s[1] + s[2] >= cutoffMs);
      if (kept.length > 0) spans[environment] = kept;
    }
    if (Object.keys(spans).length > 0) out[user] = { since: entry.since, spans };
  }
  return out;
}
