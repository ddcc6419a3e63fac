// What deadline tests share. Teleport's clock: the simulator runs on the wall clock plus a shift
// the test moves forward, so a deadline hours away is reached at once instead of waited for.
// Workers learn Teleport's time from the times it stamps (src/app/clockSkew.ts), so moving the
// clock comes with a sweep during which requests keep being created: the newest tells the new time.
import assert from 'node:assert/strict';
import type { Stack } from './stack';
import { node } from './requests';

/** Production's poll interval: a lock within 2 s of a deadline cannot come from a poll. */
export const POLL_MS = 30_000;
/** The most a lock may land after its deadline (issue 19's "Done when"). */
const WITHIN_MS = 2_000;

/** A lock (its creation, stamped by the simulator's clock) landed at the deadline, not before. */
export function assertLockedAt(createdAt: Date, deadline: Date): void {
  const late = createdAt.getTime() - deadline.getTime();
  assert.ok(late >= 0, `locked ${-late} ms before the deadline`);
  assert.ok(late <= WITHIN_MS, `locked ${late} ms after the deadline, more than ${WITHIN_MS} ms`);
}

export class ShiftedClock {
  private shiftMs = 0;
  readonly now = (): Date => new Date(Date.now() + this.shiftMs);
  /** Moves the clock so it shows `leadMs` before `to`. */
  moveTo(to: Date, leadMs: number): void {
    this.shiftMs += to.getTime() - leadMs - this.now().getTime();
  }
}

/**
 * Moves Teleport's clock to `leadMs` before `deadline` and sweeps while requests by witness
 * users keep being created, as on a busy cluster, so the workers and the watcher's timer learn
 * the new time to within a listing's round trip.
 */
export async function sweepNear(
  stack: Stack,
  clock: ShiftedClock,
  deadline: Date,
  leadMs: number,
): Promise<void> {
  clock.moveTo(deadline, leadMs);
  let created = 0;
  const stamp = () =>
    stack.sim.store.createRequest({
      user: `witness-${created++}`,
      roles: ['node-access'],
      resources: [node(`witness-${created}`)],
    });
  stamp();
  // Bounded: at most 400 requests, far fewer in practice (a sweep takes a second or so).
  const stamping = setInterval(() => (created < 400 ? stamp() : undefined), 25);
  try {
    await stack.sweep();
  } finally {
    clearInterval(stamping);
  }
}
