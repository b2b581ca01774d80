// SPDX-License-Identifier: Apache-2.0
// A clock the test moves ({now, setTimeout, clearTimeout}, as ByteChannel takes one): nothing waits
// for real time, so a long wait costs nothing and the times a host writes at are exact.

/** setTimeout and clearTimeout on a clock that moves only when the test says. */
export function fakeClock() {
  const clock = {
    t: 1000,
    timers: new Map(),
    id: 0,
    now: () => clock.t,
    setTimeout: (fn, ms) => { clock.timers.set(++clock.id, { at: clock.t + ms, fn }); return clock.id; },
    clearTimeout: (id) => clock.timers.delete(id),
    /** Runs the earliest timer due by `end` (any, when not given), the clock moved to its time; false if none is. */
    fireNext(end = Infinity) {
      const due = [...clock.timers].filter(([, x]) => x.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) return false;
      clock.timers.delete(due[0]);
      clock.t = Math.max(clock.t, due[1].at);
      due[1].fn();
      return true;
    },
    /** Moves the clock by `ms`, running each timer that comes due, in order (none when fire is false). */
    advance(ms, { fire = true } = {}) {
      const end = clock.t + ms;
      while (fire && clock.fireNext(end)) { /* the next one due */ }
      clock.t = end;
    },
  };
  return clock;
}

/**
 * Runs `work` (a promise) to its end in simulated time: whenever everything else waits for the
 * clock, it moves to the next timer. Nothing outside the clock may be waited for (real I/O, real
 * timers): with no timer left, the work could never end, and the run fails saying so.
 */
export async function inSimulatedTime(clock, work) {
  let settled = false;
  const watched = work.finally(() => { settled = true; });
  watched.catch(() => {}); // the caller gets the rejection from the returned promise
  for (;;) {
    await new Promise((resolve) => setImmediate(resolve)); // every promise callback runs first
    if (settled) return watched;
    if (!clock.fireNext()) throw new Error('the simulated run waits for something no timer will bring');
  }
}
