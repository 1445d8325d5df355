// Backups of a SQLite deployment: `npm run parley -- backup <file>` copies the live file and the
// archive with SQLite's online backup API (a consistent snapshot of each while the server keeps
// writing) into `<file>` and its archive twin beside it (`x.db` → `x-archive.db`, as the store
// names its own). The key store is a file apart and is not copied: a backup holds ciphertext and
// metadata, no key. `restore <file>` copies both back into a DATA_DIR that has no store yet.
import { existsSync, mkdtempSync, copyFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { createPrivately, defaultArchiveFile, openDatabase } from '../sqlite.ts';

export class BackupError extends Error {
  override name = 'BackupError';
}

function refuseExisting(...files: string[]): void {
  for (const file of files) if (existsSync(file)) throw new BackupError(`${file} exists: nothing written (choose a new name, or move it away)`);
}

/** Copies the store at `live` (archive included) to `destination` (and its archive twin). */
export async function backupSqlite(live: string, destination: string): Promise<{ files: string[] }> {
  const files = [path.resolve(destination), defaultArchiveFile(path.resolve(destination))];
  refuseExisting(...files);
  if (!existsSync(live)) throw new BackupError(`no store at ${live}: nothing to back up`);
  const db = openDatabase(live, defaultArchiveFile(live));
  try {
    for (const file of files) createPrivately(file);
    // The live file first, then the archive: a conversation the sweeper moves meanwhile is then in
    // one copy or both, never in neither (the next sweep settles one found in both).
    await db.backup(files[0]!);
    // `attached` is better-sqlite3's documented option (docs/api.md, .backup()); its types lack it.
    await db.backup(files[1]!, { attached: 'archive' } as unknown as Database.BackupOptions);
  } catch (err) {
    for (const file of files) rmSync(file, { force: true });
    throw err;
  } finally {
    db.close();
  }
  return { files };
}

/** The two files of a backup, checked to be there. */
function backupFiles(backup: string): [string, string] {
  const files: [string, string] = [path.resolve(backup), defaultArchiveFile(path.resolve(backup))];
  for (const file of files) if (!existsSync(file)) throw new BackupError(`${file} is missing: a backup is the file and its archive twin`);
  return files;
}

/**
 * Copies a backup into a private temp dir and gives `work` its live file there: the backup itself is
 * never opened for writing (SQLite would leave WAL files beside it, or change it).
 */
export async function withBackupCopy<T>(backup: string, work: (liveFile: string) => Promise<T>): Promise<T> {
  const [file, archive] = backupFiles(backup);
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-backup-'));
  try {
    const copy = path.join(dir, 'parley.db');
    copyFileSync(file, copy);
    copyFileSync(archive, defaultArchiveFile(copy));
    return await work(copy);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Brings a backup back as the store at `live`, which must not exist yet. */
export async function restoreSqlite(backup: string, live: string): Promise<void> {
  const targets = [live, defaultArchiveFile(live)];
  refuseExisting(...targets, ...targets.flatMap((t) => [`${t}-wal`, `${t}-shm`]));
  await withBackupCopy(backup, async (copy) => {
    for (const [from, to] of [
      [copy, targets[0]!],
      [defaultArchiveFile(copy), targets[1]!],
    ] as const) {
      const source = new Database(from, { fileMustExist: true });
      try {
        createPrivately(to);
        await source.backup(to);
      } finally {
        source.close();
      }
    }
  });
}
