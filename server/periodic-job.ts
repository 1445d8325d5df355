// A job on a timer (the retention sweep, the handover sweep): runs are queued one behind the other,
// never beside each other; a tick that finds a run still going is skipped, so a slow run does not
// pile up runs behind it; stopping waits for the run under way, so what it uses can be closed.
// The timer never keeps a finished process alive. The interval may be a function, asked before each
// wait: a job whose pace follows settings that change while it runs (the retention sweep).

export interface PeriodicJob<T> {
  /** One run now, after any run under way. */
  runOnce(): Promise<T>;
  /** Stops the timer; resolves once a run under way is done. */
  stop(): Promise<void>;
}

/** How often a job with a changing interval asks for it again. */
export const RECHECK_MS = 1000;

/** `onTickError`: told what a timer-started run threw (a run asked for by runOnce rejects to its caller). */
export function startPeriodicJob<T>(run: () => Promise<T>, intervalMs: number | (() => number), onTickError: (err: unknown) => void): PeriodicJob<T> {
  let queue: Promise<unknown> = Promise.resolve();
  const runOnce = (): Promise<T> => {
    const next = queue.then(run, run);
    queue = next.catch(() => undefined);
    return next;
  };
  let stopped = false;
  let busy = false;
  const changing = typeof intervalMs === 'function';
  const delay = typeof intervalMs === 'function' ? intervalMs : () => intervalMs;
  let timer: NodeJS.Timeout | undefined;
  let lastTick = Date.now();
  // A changing interval is looked at again every RECHECK_MS at least, so a shorter one takes effect
  // then, not once the longer wait it replaced is over.
  const schedule = (): void => {
    timer = setTimeout(tick, changing ? Math.min(delay(), RECHECK_MS) : delay());
    timer.unref();
  };
  // The next tick is set before this one's run starts, so a slow run skips ticks rather than delaying them.
  const tick = (): void => {
    if (stopped) return;
    schedule();
    if (changing && Date.now() - lastTick < delay()) return;
    lastTick = Date.now();
    if (busy) return;
    busy = true;
    runOnce()
      .catch(onTickError)
      .finally(() => (busy = false));
  };
  schedule();
  return {
    runOnce,
    stop() {
      stopped = true;
      clearTimeout(timer);
      return queue.then(() => undefined);
    },
  };
}
