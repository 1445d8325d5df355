// Long store work (retention sweeps) in bounded steps. better-sqlite3 runs on the event loop, so one
// DELETE of a whole bot's history would stall every request for as long as it takes; MongoDB would
// hold one huge operation on the server. Each step touches at most SWEEP_BATCH rows (or
// conversations), and the event loop gets a turn before every step.
import { setImmediate as nextTurn } from 'node:timers/promises';

/** Rows (or conversations, with their messages) one sweep step may touch. */
export const SWEEP_BATCH = 1000;

/**
 * Runs `step` until it reports fewer than SWEEP_BATCH changes, yielding to the event loop before each
 * run. Returns the changes summed.
 */
export async function inBatches(step: () => number | Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    await nextTurn();
    const changed = await step();
    total += changed;
    if (changed < SWEEP_BATCH) return total;
  }
}
