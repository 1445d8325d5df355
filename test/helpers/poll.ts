// Waiting on a condition that has no change event to listen to (HTTP history, the store's outbox):
// read, check, read again. The wait ends on the condition itself; the interval is how often to
// look, not a guess at how long anything takes.
const POLL_INTERVAL_MS = 50;

/** Reads until `done` holds for what was read and returns it; rejects after `timeoutMs`. */
export async function pollUntil<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what} never matched: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, POLL_INTERVAL_MS));
  }
}
