/**
 * The index's re-decision schedule, on a hand-driven clock: it waits for the longest pause a pending
 * change asked for (a shorter request never cuts it short, so it does not fire in the middle of
 * typing), and runs at the latest `maxWaitMs` after the first change it serves (a burst of changes
 * cannot put it off for ever); such a forced run is not quiet.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RedecideSchedule, type ScheduleClock } from '../../../server/src/lsp/redecide-schedule';

/** A clock whose time moves only when the test says, firing the timers that fall due. */
class TestClock implements ScheduleClock {
  time = 0;
  private timers: Array<{ at: number; run: () => void; id: number }> = [];
  private nextId = 1;
  /** Timers set so far: the schedule sets one per run, plus one per early wake-up. */
  set = 0;

  now(): number {
    return this.time;
  }
  setTimer(run: () => void, ms: number): unknown {
    this.set++;
    const id = this.nextId++;
    this.timers.push({ at: this.time + ms, run, id });
    return id;
  }
  clearTimer(timer: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== timer);
  }
  /** Moves time forward by `ms`, running each timer at its time. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const next = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.time = next.at;
      next.run();
    }
    this.time = end;
  }
}

function schedule(maxWaitMs = 4000) {
  const clock = new TestClock();
  const runs: Array<{ at: number; quiet: boolean }> = [];
  const s = new RedecideSchedule(maxWaitMs, (quiet) => runs.push({ at: clock.time, quiet }), clock);
  return { clock, runs, s };
}

describe('the re-decision schedule', () => {
  it('runs once, quiet, after the pause that follows the last of several changes', () => {
    const { clock, runs, s } = schedule();
    s.request(750);
    clock.advance(400);
    s.request(750);
    clock.advance(400);
    s.request(750);
    clock.advance(749);
    assert.deepEqual(runs, []);
    clock.advance(1);
    assert.deepEqual(runs, [{ at: 1550, quiet: true }]);
    assert.equal(s.pending, false);
    clock.advance(5000);
    assert.equal(runs.length, 1);
  });

  it("does not let a shorter request cut short a policy edit's longer pause (no run in the middle of typing)", () => {
    const { clock, runs, s } = schedule();
    s.request(750); // a policy edit
    clock.advance(100);
    s.request(300); // an identity refresh meanwhile
    clock.advance(500); // 300 ms after the short request: the old timer would have fired here
    assert.deepEqual(runs, []);
    clock.advance(150);
    assert.deepEqual(runs, [{ at: 750, quiet: true }]);
  });

  it('runs, not quiet, at most maxWaitMs after the first change of a burst that never pauses, then again after it', () => {
    const { clock, runs, s } = schedule(4000);
    // A change every 200 ms for 10 s, each asking for a 750 ms pause: the old timer never fired.
    for (let t = 0; t < 10_000; t += 200) {
      s.request(750);
      clock.advance(200);
    }
    assert.deepEqual(runs, [
      { at: 4000, quiet: false },
      { at: 8000, quiet: false },
    ]);
    clock.advance(1000);
    assert.deepEqual(runs.at(-1), { at: 10_550, quiet: true });
    assert.equal(runs.length, 3);
  });

  it('sets one timer per run however many changes come, sleeping again for the time left', () => {
    const { clock, s } = schedule();
    for (let i = 0; i < 100; i++) {
      s.request(750);
      clock.advance(5);
    }
    clock.advance(1000);
    // The first timer, and one more when it woke up early: not one per change.
    assert.equal(clock.set, 2);
  });

  it('forgets the pending run when cancelled (its caller ran it)', () => {
    const { clock, runs, s } = schedule();
    s.request(300);
    s.cancel();
    clock.advance(10_000);
    assert.deepEqual(runs, []);
    s.request(300);
    clock.advance(300);
    assert.deepEqual(runs, [{ at: 10_300, quiet: true }]);
  });
});
