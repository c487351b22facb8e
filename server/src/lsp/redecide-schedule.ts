/**
 * When the workspace index is re-decided: after a pause in the changes that ask for it, the longest
 * pause any pending change asked for (a code edit's 500 ms never cuts short a policy edit's 750 ms),
 * and never later than `maxWaitMs` after the first change it serves, so a long burst of edits cannot
 * put it off for ever. A run that the pause decided is `quiet`; one that the longest wait forced,
 * in the middle of a burst, is not (its caller finishes it but reports no impact for a half-typed
 * policy). The timer is set once and sleeps again for the time left: later changes only push the
 * run back, so nothing clears and re-arms it on every change.
 */

/** The clock and timers the schedule uses: the real ones, or a test's. */
export interface ScheduleClock {
  now(): number;
  setTimer(run: () => void, ms: number): unknown;
  clearTimer(timer: unknown): void;
}

/** `Date.now` and `setTimeout`. */
export const systemClock: ScheduleClock = {
  now: () => Date.now(),
  setTimer: (run, ms) => setTimeout(run, ms),
  clearTimer: (timer) => clearTimeout(timer as NodeJS.Timeout),
};

/** One pending re-decision at a time: a pause-debounce that cannot starve. */
export class RedecideSchedule {
  /** When the longest pause asked for ends. */
  private due: number | undefined;
  /** When the first change this run serves came. */
  private first: number | undefined;
  private timer: unknown;

  constructor(
    private readonly maxWaitMs: number,
    private readonly run: (quiet: boolean) => void,
    private readonly clock: ScheduleClock = systemClock,
  ) {}

  /** A change asks for a re-decision once changes pause for `pauseMs`. */
  request(pauseMs: number): void {
    const now = this.clock.now();
    this.first ??= now;
    this.due = Math.max(this.due ?? now, now + pauseMs);
    // The run time only moves later while a run is pending: the timer set first wakes up early at worst.
    if (this.timer === undefined) this.timer = this.clock.setTimer(() => this.wake(), this.runAt() - now);
  }

  /** Whether a run is pending. */
  get pending(): boolean {
    return this.timer !== undefined;
  }

  /** Forgets the pending run (its caller runs now instead). */
  cancel(): void {
    if (this.timer !== undefined) this.clock.clearTimer(this.timer);
    this.timer = undefined;
    this.due = undefined;
    this.first = undefined;
  }

  private runAt(): number {
    return Math.min(this.due as number, (this.first as number) + this.maxWaitMs);
  }

  private wake(): void {
    const now = this.clock.now();
    const left = this.runAt() - now;
    if (left > 0) {
      this.timer = this.clock.setTimer(() => this.wake(), left);
      return;
    }
    const quiet = now >= (this.due as number);
    this.timer = undefined;
    this.due = undefined;
    this.first = undefined;
    this.run(quiet);
  }
}
