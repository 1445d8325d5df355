// Group commit for SQLite's busy writes (appends, turns, new conversations). Writes requested in the
// same turn of the event loop are written in one transaction, each inside its own savepoint so that
// one failing write does not undo the others. The transaction commits with synchronous=NORMAL (no
// fsync on the event loop, where better-sqlite3 would make every request wait for the disk), and
// then waits for `durable` (wal-sync.ts: an fdatasync of the WAL on the thread pool) before any
// promise settles: "resolved" still means "on disk", power loss included. Every other write keeps
// synchronous=FULL.
import type Database from 'better-sqlite3';

interface Pending<I, O> {
  input: I;
  resolve: (output: O) => void;
  reject: (err: unknown) => void;
}

/**
 * Wraps `work` (which runs inside a transaction) so calls in one event-loop turn share a commit.
 * `work` must be a better-sqlite3 transaction function: nested in the batch, it becomes a savepoint.
 */
export function groupCommit<I, O>(db: Database.Database, work: (input: I) => O, durable: () => Promise<void>): (input: I) => Promise<O> {
  let queue: Pending<I, O>[] = [];
  // The batches only write the live file (main); the archive keeps FULL throughout.
  const commitWithoutSync = db.prepare('PRAGMA main.synchronous = NORMAL');
  const commitWithSync = db.prepare('PRAGMA main.synchronous = FULL');

  const runBatch = db.transaction((batch: Pending<I, O>[]) => {
    return batch.map((item) => {
      try {
        return { ok: true as const, value: work(item.input) };
      } catch (err) {
        // SQLITE_FULL, IOERR, BUSY and the like may roll back the whole transaction, not just this
        // item's savepoint. Then the items before are undone too, and the ones after must not run
        // outside the batch, each committing on its own while the batch reports failure: stop, and
        // let the whole batch fail with this error, as it now has.
        if (!db.inTransaction) throw err;
        return { ok: false as const, err };
      }
    });
  });

  function flush(): void {
    const batch = queue;
    queue = [];
    let outcomes;
    try {
      commitWithoutSync.run();
      outcomes = runBatch.immediate(batch);
    } catch (err) {
      // The transaction was rolled back (by SQLite mid-batch, or because the commit failed): nothing
      // of the batch is stored.
      for (const item of batch) item.reject(err);
      return;
    } finally {
      if (db.open) commitWithSync.run();
    }
    const settle = (failed: unknown) =>
      outcomes.forEach((outcome, i) => {
        const item = batch[i]!;
        if (!outcome.ok) item.reject(outcome.err);
        // Committed but the disk said no: reported as the I/O error it is (as SQLite reports a
        // commit whose fsync failed). The rows may stay; a visitor's retry finds its message by
        // client id and a turn is completed once by message id.
        else if (failed !== undefined) item.reject(failed);
        else item.resolve(outcome.value);
      });
    durable().then(
      () => settle(undefined),
      (err: unknown) => settle(err ?? new Error('sync failed')),
    );
  }

  return (input: I) =>
    new Promise<O>((resolve, reject) => {
      if (queue.length === 0) setImmediate(flush);
      queue.push({ input, resolve, reject });
    });
}
