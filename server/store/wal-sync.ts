// Waiting for the disk off the event loop. better-sqlite3 runs a commit's fsync on the thread that
// serves every request, so with synchronous=FULL each commit stalls everyone behind it for as long
// as the disk takes (a quarter of the server's wall time under load, issue 17). Group commits
// (group-commit.ts) instead commit without the sync and then ask for one here: an fdatasync of the
// WAL file on libuv's thread pool, which makes every frame written before it durable. What a
// commit's caller is told ("resolved" = on disk) is unchanged; only who waits is.
import fs from 'node:fs';
import type Database from 'better-sqlite3';

/** Makes the file's data written so far durable. */
export type FileFlush = (file: string) => Promise<void>;

/**
 * Opened for each sync rather than held: SQLite may delete the WAL file and make a new one (when
 * its last connection closes), and an old descriptor would then sync a file nobody writes. The
 * callback API: a FileHandle per sync cost the event loop about three times as much (a profile).
 */
export const fdatasyncFile: FileFlush = (file) =>
  new Promise((resolve, reject) => {
    fs.open(file, 'r', (openErr, fd) => {
      if (openErr) return reject(openErr);
      fs.fdatasync(fd, (syncErr) =>
        fs.close(fd, (closeErr) => {
          const err = syncErr ?? closeErr;
          if (err) reject(err);
          else resolve();
        }),
      );
    });
  });

/**
 * A sync of `file` for whoever asks, shared: one flush serves every request made before it began;
 * a request made while one runs may follow writes it did not cover, so it gets the next one, which
 * all requests made meanwhile share.
 */
export function sharedSync(file: string, flush: FileFlush = fdatasyncFile): () => Promise<void> {
  let running: Promise<void> | null = null;
  let next: Promise<void> | null = null;

  function start(): Promise<void> {
    const flushing = flush(file).finally(() => {
      if (running === flushing) running = null;
    });
    running = flushing;
    return flushing;
  }

  return () => {
    if (running === null) return start();
    next ??= running
      .catch(() => undefined)
      .then(() => {
        next = null;
        return start();
      });
    return next;
  };
}

/**
 * What a group commit on `db` (opened on `file`) waits for: its WAL on disk (SQLite names it
 * `<file>-wal`). Once the connection is closed the WAL may be gone, checkpointed into the database
 * (and synced) by the close: a batch still waiting is on disk then.
 */
export function walSync(db: Database.Database, file: string): () => Promise<void> {
  if (file === ':memory:') return async () => undefined;
  return sharedSync(`${file}-wal`, (wal) =>
    fdatasyncFile(wal).catch((err: unknown) => {
      if (!db.open && (err as { code?: unknown }).code === 'ENOENT') return;
      throw err;
    }),
  );
}
