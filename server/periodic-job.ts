// A job on a timer (the retention sweep, the handover sweep): runs are queued one behind the other,
// never beside each other; a tick that finds a run still going is skipped, so a slow run does not
// pile up runs behind it; stopping waits for the run under way, so what it uses can be closed.
// The timer never keeps a finished process alive.

export interface PeriodicJob<T> {
  /** One run now, after any run under way. */
  runOnce(): Promise<T>;
  /** Stops the timer; resolves once a run under way is done. */
  stop(): Promise<void>;
}

/** `onTickError`: told what a timer-started run threw (a run asked for by runOnce rejects to its caller). */
export function startPeriodicJob<T>(run: () => Promise<T>, intervalMs: number, onTickError: (err: unknown) => void): PeriodicJob<T> {
  let queue: Promise<unknown> = Promise.resolve();
  const runOnce = (): Promise<T> => {
    const next = queue.then(run, run);
    queue = next.catch(() => undefined);
    return next;
  };
  let stopped = false;
  let busy = false;
  const timer = setInterval(() => {
    if (stopped || busy) return;
    busy = true;
    runOnce()
      .catch(onTickError)
      .finally(() => (busy = false));
  }, intervalMs);
  timer.unref();
  return {
    runOnce,
    stop() {
      stopped = true;
      clearInterval(timer);
      return queue.then(() => undefined);
    },
  };
}
