// The search attributes that make every decision findable by user and by request. The server caps
// each keyword-list value (2 KiB by default, Temporal Cloud too), so a sweep run that acted on more
// than fits publishes the first chunk on itself and the rest on small index workflows it starts
// (decisionIndex.ts), each chunk within the cap. Pure: imported by workflow code.

/** Temporal's default cap on one search attribute value (frontend.searchAttributesSizeOfValueLimit). */
export const DEFAULT_VALUE_LIMIT = 2048;
/** What a list may take of a value's cap: the rest is room for its encoding. */
const ENCODING_ROOM = 248;
/** Under the server's 2,048-byte default, leaving room for encoding. */
export const MAX_VALUE_BYTES = DEFAULT_VALUE_LIMIT - ENCODING_ROOM;

/** One decision as the index sees it. */
export interface IndexEntry {
  user: string;
  requestId: string;
  action: string;
  dryRun: boolean;
}

/** What one workflow's search attributes carry: each list within the value cap. */
export interface IndexChunk {
  users: string[];
  requestIds: string[];
  actions: string[];
  dryRun: boolean;
}

/**
 * Splits a run's decisions into chunks whose user and request lists each fit one search
 * attribute value under the server's cap (`valueLimit`, bytes). Entries are taken by user, then
 * request, so a user's decisions share chunks.
 */
export function indexChunks(entries: IndexEntry[], valueLimit = DEFAULT_VALUE_LIMIT): IndexChunk[] {
  // Never finer than under the default cap: a smaller value is a mistake, not a server's cap.
  const maxBytes = Math.max(MAX_VALUE_BYTES, valueLimit - ENCODING_ROOM);
  const sorted = [...entries].sort((a, b) =>
    a.user !== b.user ? (a.user < b.user ? -1 : 1) : a.requestId < b.requestId ? -1 : 1,
  );
  const chunks: IndexChunk[] = [];
  let current: Building | undefined;
  for (const entry of sorted) {
    if (!current || !fits(current, entry)) {
      if (current) chunks.push(finish(current));
      current = {
        maxBytes,
        users: new Set(),
        requests: new Set(),
        actions: new Set(),
        dryRun: false,
        userBytes: 2,
        requestBytes: 2,
      };
    }
    add(current, entry);
  }
  if (current) chunks.push(finish(current));
  return chunks;
}

interface Building {
  /** What each list may take. */
  maxBytes: number;
  users: Set<string>;
  requests: Set<string>;
  actions: Set<string>;
  dryRun: boolean;
  userBytes: number;
  requestBytes: number;
}

function fits(b: Building, e: IndexEntry): boolean {
  return (
    b.userBytes + added(b, b.users, e.user) <= b.maxBytes &&
    b.requestBytes + added(b, b.requests, e.requestId) <= b.maxBytes
  );
}

function add(b: Building, e: IndexEntry): void {
  b.userBytes += added(b, b.users, e.user);
  b.requestBytes += added(b, b.requests, e.requestId);
  if (indexable(b, e.user)) b.users.add(e.user);
  if (indexable(b, e.requestId)) b.requests.add(e.requestId);
  b.actions.add(e.action);
  b.dryRun ||= e.dryRun;
}

/** Bytes a value adds to a list: none when already there, or when it could never fit one. */
function added(b: Building, list: Set<string>, value: string): number {
  return list.has(value) || !indexable(b, value) ? 0 : cost(value);
}

/** A value longer than a whole attribute is left out: the server would refuse the attribute. */
function indexable(b: Building, value: string): boolean {
  return cost(value) + 2 <= b.maxBytes;
}

function finish(b: Building): IndexChunk {
  return {
    users: [...b.users].sort(),
    requestIds: [...b.requests].sort(),
    actions: [...b.actions].sort(),
    dryRun: b.dryRun,
  };
}

/** What a value adds to the JSON list the server measures: quotes and a separator. */
function cost(value: string): number {
  return utf8Length(value) + 3;
}

function utf8Length(s: string): number {
  let n = 0;
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    n += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return n;
}
