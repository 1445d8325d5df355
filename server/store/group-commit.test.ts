// Group commits commit without an fsync on the event loop and resolve only once the WAL is on disk
// (wal-sync.ts). Real SQLite files; the `durable` step is the test's own, so it can hold it back and
// see what the callers are told meanwhile.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { groupCommit } from './group-commit.ts';
import { fdatasyncFile, sharedSync } from './wal-sync.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function walDatabase(): { file: string; db: Database.Database } {
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-group-'));
  dirs.push(dir);
  const file = path.join(dir, 'test.db');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE items (text TEXT NOT NULL UNIQUE) STRICT');
  return { file, db };
}

function deferred() {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Settles to 'pending' if `promise` has not settled once everything already queued has run. */
async function state(promise: Promise<unknown>): Promise<string> {
  const marker = Symbol('pending');
  const outcome = await Promise.race([promise.then(() => 'resolved', () => 'rejected'), new Promise((r) => setImmediate(() => r(marker)))]);
  return outcome === marker ? 'pending' : (outcome as string);
}

describe('groupCommit', () => {
  it('commits the batch, then waits for the disk before telling anyone it is stored', async () => {
    const { file, db } = walDatabase();
    const insert = db.transaction((text: string) => db.prepare('INSERT INTO items (text) VALUES (?)').run(text).changes);
    const disk = deferred();
    let seenByAnotherReader: string[] = [];
    let synchronousDuringSync: unknown;
    const write = groupCommit(db, insert, () => {
      // Called after the commit: another connection already reads the batch.
      const reader = new Database(file, { readonly: true });
      seenByAnotherReader = reader.prepare<[], { text: string }>('SELECT text FROM items ORDER BY text').all().map((row) => row.text);
      reader.close();
      synchronousDuringSync = db.pragma('main.synchronous', { simple: true });
      return disk.promise;
    });
    const a = write('a');
    const b = write('b');
    const duplicate = write('a');
    await expect.poll(() => seenByAnotherReader).toEqual(['a', 'b']);
    expect(await state(a)).toBe('pending');
    expect(await state(b)).toBe('pending');
    expect(await state(duplicate)).toBe('pending');
    // Every other write of the connection is back to FULL while the batch waits.
    expect(synchronousDuringSync).toBe(2);
    disk.resolve();
    await expect(a).resolves.toBe(1);
    await expect(b).resolves.toBe(1);
    await expect(duplicate).rejects.toThrow(/UNIQUE/);
    db.close();
  });

  it('reports a failed sync as a failure of every write of the batch', async () => {
    const { db } = walDatabase();
    const insert = db.transaction((text: string) => db.prepare('INSERT INTO items (text) VALUES (?)').run(text).changes);
    const write = groupCommit(db, insert, () => Promise.reject(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' })));
    const results = await Promise.allSettled([write('a'), write('b')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    db.close();
  });
});

describe('sharedSync', () => {
  it('serves a request made while a flush runs with the next flush, shared by all such requests', async () => {
    const flushes: Array<ReturnType<typeof deferred>> = [];
    const sync = sharedSync('/nowhere', () => {
      const flush = deferred();
      flushes.push(flush);
      return flush.promise;
    });
    const first = sync();
    expect(flushes).toHaveLength(1);
    // Asked for after writes the running flush may not cover: they wait for a second one.
    const second = sync();
    const third = sync();
    expect(flushes).toHaveLength(1);
    flushes[0]!.resolve();
    await first;
    expect(await state(second)).toBe('pending');
    await expect.poll(() => flushes.length).toBe(2);
    expect(await state(third)).toBe('pending');
    flushes[1]!.resolve();
    await Promise.all([second, third]);
    expect(flushes).toHaveLength(2);
    // Nothing running: the next request starts its own at once.
    void sync();
    expect(flushes).toHaveLength(3);
    flushes[2]!.resolve();
  });

  it('a failed flush fails the requests it served, and the next request flushes again', async () => {
    let calls = 0;
    const sync = sharedSync('/nowhere', async () => {
      calls += 1;
      if (calls === 1) throw new Error('EIO');
    });
    await expect(sync()).rejects.toThrow('EIO');
    await expect(sync()).resolves.toBeUndefined();
    expect(calls).toBe(2);
  });

  it('syncs a real WAL file, and refuses one that is not there', async () => {
    const { file, db } = walDatabase();
    db.prepare('INSERT INTO items (text) VALUES (?)').run('x');
    await expect(sharedSync(`${file}-wal`)()).resolves.toBeUndefined();
    await expect(fdatasyncFile(`${file}-missing`)).rejects.toThrow(/ENOENT/);
    db.close();
  });
});
