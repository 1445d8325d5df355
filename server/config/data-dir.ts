// DATA_DIR holds conversations and secrets, so it is private to the user Parley runs as: created
// 0700, refused at start when group or others may enter it, and every file in it 0600 (each writer
// creates its files so: secrets.ts, bot/identity.ts, the SQLite store; files an older Parley left
// readable are tightened here).
import { chmodSync, lstatSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Creates DATA_DIR, readable by its owner only, when it is missing. */
export function ensureDataDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/**
 * Checks an existing DATA_DIR and makes the files in it 0600. Returns the one-line reason it must not
 * be used, or undefined when it is fine (a missing directory is: it is created 0700 when needed).
 */
export function checkDataDir(dir: string): string | undefined {
  let stat;
  try {
    stat = statSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return `DATA_DIR ${dir} cannot be read: ${(err as Error).message}`;
  }
  if (!stat.isDirectory()) return `DATA_DIR ${dir} is not a directory`;
  const mode = stat.mode & 0o777;
  if ((mode & 0o077) !== 0) {
    const octal = mode.toString(8).padStart(4, '0');
    return `DATA_DIR ${dir} is open to group or others (mode ${octal}); it holds conversations and secrets, so Parley will not start: run chmod 700 ${dir}`;
  }
  for (const name of readdirSync(dir)) {
    const file = join(dir, name);
    const entry = lstatSync(file);
    if (entry.isFile() && (entry.mode & 0o077) !== 0) chmodSync(file, entry.mode & 0o700);
  }
  return undefined;
}
