// The ledger's data: the access each user held in each environment over time, as jit-watcher saw
// it. Teleport forgets a request soon after it ends; budgets (hours and grants per sliding window)
// need what was held before, so the watcher keeps these spans durably (src/temporal/ledger) and
// hands each evaluation the user's. Plain JSON (RFC 3339 strings): it travels in Temporal payloads.

/** One request's access in one environment (an environment entry's pattern). */
export interface UsageSpan {
  requestId: string;
  /** The environment entry's pattern the request's roles match. */
  environment: string;
  /** When the access starts (the request's start time, else its creation). */
  start: string;
  /**
   * When the access ends: its expiry while it is in force (planned), or the moment it was seen
   * locked or deleted (ended early). Held time is from start to the earlier of this and `now`.
   */
  end: string;
  /** When the grant was first seen approved; counts toward `grants` budgets. */
  grantedAt: string;
}

/** One user's ledger: every span that may still count toward a budget window. */
export interface UserUsage {
  user: string;
  /** When the ledger began keeping this cluster's use: earlier use is unknown. */
  since: string;
  spans: UsageSpan[];
}
