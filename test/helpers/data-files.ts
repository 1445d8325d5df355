// Looking at a data directory the way an operator (or an attacker with a copy of the disk) would:
// raw bytes of every file, file modes, and the archive file read with a connection of its own.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { ArchivedCopy } from '../../server/store/store-contract.ts';

/** The names of the files in `dir` whose bytes contain `text` (WAL, shared memory and archive included). */
export function filesContaining(dir: string, text: string): string[] {
  const needle = Buffer.from(text, 'utf8');
  return readdirSync(dir).filter((name) => readFileSync(path.join(dir, name)).includes(needle));
}

/** Permission bits of `dir` itself (as `.`) and of every entry in it. */
export function modesIn(dir: string): Record<string, number> {
  const modes: Record<string, number> = { '.': statSync(dir).mode & 0o777 };
  for (const name of readdirSync(dir)) modes[name] = statSync(path.join(dir, name)).mode & 0o777;
  return modes;
}

/** What the SQLite archive file holds for one conversation, read without the store. */
export function readSqliteArchive(archiveFile: string) {
  return async (conversationId: string): Promise<ArchivedCopy> => {
    const db = new Database(archiveFile, { readonly: true });
    try {
      const conversation = db.prepare('SELECT 1 FROM conversations WHERE id = ?').get(conversationId) !== undefined;
      const messages = db.prepare('SELECT text FROM messages WHERE conversation_id = ? ORDER BY id').pluck().all(conversationId) as string[];
      const values = db
        .prepare("SELECT key || '=' || value FROM collected_values WHERE conversation_id = ? ORDER BY key")
        .pluck()
        .all(conversationId) as string[];
      return { conversation, messages, values };
    } finally {
      db.close();
    }
  };
}
