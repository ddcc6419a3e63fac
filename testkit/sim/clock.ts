// Time for the simulated cluster. Everything with an expiry reads the injected `now`, never
// Date.now(), so tests can move time by hand; the wall clock is only the default.

/** Reads the current time; the store's only source of time. */
export type Now = () => Date;

export const systemNow: Now = () => new Date();

/**
 * A clock that moves only when told. After `advance`, call the store's `purgeExpired()` (or any
 * store operation, which purges first) to see expiry take effect.
 */
export class ManualClock {
  private currentMs: number;

  constructor(start: Date = new Date('2025-01-01T00:00:00Z')) {
    this.currentMs = start.getTime();
  }

  readonly now: Now = () => new Date(this.currentMs);

  advance(ms: number): Date {
    this.currentMs += ms;
    return this.now();
  }

  set(to: Date): void {
    this.currentMs = to.getTime();
  }
}
