// The sandbox's time travel: the app's injected clock runs ahead of the real time by an
// offset the browser moves forward (+1 hour, +1 day, to the next digest). Sandbox only.
import type { Clock } from "../clock.ts";

export class OffsetClock implements Clock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  /** Moves the clock forward (never back: the app's records assume time goes one way). */
  advance(ms: number): void {
    this.offsetMs += Math.max(0, ms);
  }

  /** Moves the clock to `instant` when it is in the future. */
  advanceTo(instant: Date): void {
    this.advance(instant.getTime() - this.now().getTime());
  }
}
