// ListAccessRequests' page token, written once: the simulated cluster hands these out and the
// client makes the same ones when it pages an old server's stream itself. A token stays opaque
// to callers (they only pass back a NextKey); the sort key inside keeps its order as text.

const TOKEN_PREFIX = 'k1:';

/** CREATED order: creation time (fixed-width milliseconds), then the id to break ties. */
export function createdSortKey(created: Date, id: string): string {
  return `${String(created.getTime()).padStart(16, '0')}\u0000${id}`;
}

/** The token for a sort key. */
export function encodePageKey(key: string): string {
  return Buffer.from(`${TOKEN_PREFIX}${key}`, 'utf8').toString('base64url');
}

/** The sort key inside a token, or undefined when the token is not one of ours. */
export function decodePageKey(token: string): string | undefined {
  const text = Buffer.from(token, 'base64url').toString('utf8');
  return text.startsWith(TOKEN_PREFIX) ? text.slice(TOKEN_PREFIX.length) : undefined;
}
