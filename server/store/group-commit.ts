// Group commit for SQLite appends. With synchronous=FULL every commit waits for the disk, and
// better-sqlite3 waits on the event loop; so appends requested in the same turn of the event loop
// are written in one transaction (one fsync), each inside its own savepoint so that one failing
// append does not undo the others. Every promise settles only after the commit, so "resolved"
// still means "on disk", and "rejected" means "not stored".
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
export function groupCommit<I, O>(db: Database.Database, work: (input: I) => O): (input: I) => Promise<O> {
  let queue: Pending<I, O>[] = [];

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
      outcomes = runBatch.immediate(batch);
    } catch (err) {
      // The transaction was rolled back (by SQLite mid-batch, or because the commit failed): nothing
      // of the batch is stored.
      for (const item of batch) item.reject(err);
      return;
    }
    outcomes.forEach((outcome, i) => {
      const item = batch[i]!;
      if (outcome.ok) item.resolve(outcome.value);
      else item.reject(outcome.err);
    });
  }

  return (input: I) =>
    new Promise<O>((resolve, reject) => {
      if (queue.length === 0) setImmediate(flush);
      queue.push({ input, resolve, reject });
    });
}
