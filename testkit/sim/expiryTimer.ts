// One timer that fires at the store's next expiry, so expired resources vanish (with DELETE
// events) without anyone polling. It never keeps the process alive and never fires early work
// itself: it only calls back, and the store decides what is expired by its own clock.
import type { Now } from './clock';

/** setTimeout's ceiling; longer waits are re-armed when they fire. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class ExpiryTimer {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly now: Now,
    private readonly onDue: () => void,
  ) {}

  /** Arms the timer for `next` (the earliest expiry), or disarms it when nothing expires. */
  schedule(next: Date | undefined): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.stopped || next === undefined) return;
    this.arm(next.getTime());
  }

  private arm(dueMs: number): void {
    const delayMs = Math.min(Math.max(0, dueMs - this.now().getTime()), MAX_TIMER_MS);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // Node's timers may fire a millisecond early by the wall clock, and long waits are capped:
      // calling back before the due time would find nothing expired and leave the timer unarmed.
      if (this.now().getTime() < dueMs) this.arm(dueMs);
      else this.onDue();
    }, delayMs);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
