/**
 * A file's tests run with `Date` frozen at the time they start (timers keep running). For tests that
 * check what is decided, not how fast: evaluation limits and a file's evaluation budget count wall
 * time, which on a loaded machine (load 20+ on 2 cores) ran past the 5 s budget on three calls and
 * made them errors. With the clock still, the limits cannot fire; what they guard is tested in the
 * engine's and the decision's own tests (limits-runaway, builtins-bounded).
 */
import { after, before, mock } from 'node:test';

/** Freezes `Date` for the tests of the calling file (call it at its top level). */
export function freezeWallClock(): void {
  before(() => mock.timers.enable({ apis: ['Date'], now: Date.now() }));
  after(() => mock.timers.reset());
}
