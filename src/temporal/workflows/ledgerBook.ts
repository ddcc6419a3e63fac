// What one ledger shard keeps: each user's spans of use, merged write by write. A write is the
// writer's view of a user's whole ledger; merging (union by request and environment, the earlier
// end and grant winning) makes writes idempotent and order-free, so a retried or repeated write
// changes nothing and an access seen ended early stays ended. Pure: the ledger workflow's state.
import type { UsageSpan, UserUsage } from '../../policy/usage';

/** A shard's users, by name. Plain JSON: continue-as-new hands it to the next run. */
export type LedgerBook = Record<string, { since: string; spans: UsageSpan[] }>;

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
    next[usage.user] = {
      since: kept && kept.since < usage.since ? kept.since : usage.since,
      spans: mergeSpans(kept?.spans ?? [], usage.spans),
    };
  }
  return prune(next, Date.parse(write.now) - write.retainMs);
}

/** The users' ledgers, those the book knows; the others have no recorded use. */
export function readUsers(book: LedgerBook, users: readonly string[]): UserUsage[] {
  return users.flatMap((user) => {
    const entry = book[user];
    return entry ? [{ user, since: entry.since, spans: entry.spans }] : [];
  });
}

/** Users and spans held, and the book's size as JSON: what `usage --json` and the bench show. */
export function bookSize(book: LedgerBook): { users: number; spans: number; bytes: number } {
  const entries = Object.values(book);
  return {
    users: entries.length,
    spans: entries.reduce((n, e) => n + e.spans.length, 0),
    bytes: JSON.stringify(book).length,
  };
}

function spanKey(span: UsageSpan): string {
  return `${span.requestId}\u0000${span.environment}`;
}

function mergeSpans(kept: readonly UsageSpan[], seen: readonly UsageSpan[]): UsageSpan[] {
  const byKey = new Map(kept.map((s) => [spanKey(s), s]));
  for (const span of seen) {
    const old = byKey.get(spanKey(span));
    byKey.set(
      spanKey(span),
      old
        ? {
            ...old,
            end: earlier(old.end, span.end),
            grantedAt: earlier(old.grantedAt, span.grantedAt),
          }
        : span,
    );
  }
  return [...byKey.values()].sort((a, b) =>
    a.start !== b.start ? (a.start < b.start ? -1 : 1) : spanKey(a) < spanKey(b) ? -1 : 1,
  );
}

/** Of two RFC 3339 times, the earlier (compared as instants: offsets may differ). */
function earlier(a: string, b: string): string {
  return Date.parse(b) < Date.parse(a) ? b : a;
}

function prune(book: LedgerBook, cutoffMs: number): LedgerBook {
  const out: LedgerBook = {};
  for (const [user, entry] of Object.entries(book)) {
    const spans = entry.spans.filter((s) => Date.parse(s.end) >= cutoffMs);
    if (spans.length > 0) out[user] = { since: entry.since, spans };
  }
  return out;
}
