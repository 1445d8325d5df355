// The store contract on SQLite (a fresh temp file per test), plus what only a file can show:
// durability across reopen, idempotent migrations, and where archived conversations go.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultArchiveFile, openDatabase, openSqliteStore } from './sqlite.ts';
import { LIVE_MIGRATIONS, migrate } from './sqlite-schema.ts';
import { newConversationId, runStoreContract } from './store-contract.ts';

const root = mkdtempSync(path.join(tmpdir(), 'parley-store-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let counter = 0;
function freshFile(): string {
  counter += 1;
  return path.join(root, `store-${counter}.db`);
}

runStoreContract('SQLite store contract', () => openSqliteStore(freshFile()));

describe('SQLite store on disk', () => {
  it('keeps data across close and reopen of the same file', async () => {
    const file = freshFile();
    const id = newConversationId();
    const first = await openSqliteStore(file);
    await first.createConversation({ id, botId: 'demo', visitorId: 'v', origin: 'https://site.example' });
    const { message } = await first.appendMessage({ conversationId: id, clientId: 'c', sender: 'visitor', text: 'kept' });
    await first.putValue(id, { key: 'email', value: 'a@example.com', pii: 'contact' });
    await first.close();

    const second = await openSqliteStore(file);
    expect((await second.getConversation(id))?.botId).toBe('demo');
    expect(await second.listMessages(id, 0, 10)).toEqual([message]);
    expect((await second.listValues(id)).map((v) => v.value)).toEqual(['a@example.com']);
    expect((await second.appendMessage({ conversationId: id, clientId: 'c2', sender: 'visitor', text: 'x' })).message.id).toBe(2);
    await second.close();
  });

  it('runs migrations once: the second run is a no-op at the recorded version', async () => {
    const file = freshFile();
    await (await openSqliteStore(file)).close();
    const db = new Database(file);
    try {
      const latest = LIVE_MIGRATIONS.at(-1)?.version;
      expect(db.pragma('user_version', { simple: true })).toBe(latest);
      expect(migrate(db, 'main', LIVE_MIGRATIONS)).toEqual([]);
      expect(db.pragma('user_version', { simple: true })).toBe(latest);
    } finally {
      db.close();
    }
    // And opening again through the store does not fail on existing tables.
    await (await openSqliteStore(file)).close();
  });

  it('opens in WAL mode with synchronous=FULL, foreign keys and secure_delete on, archive included', () => {
    const file = freshFile();
    const db = openDatabase(file, defaultArchiveFile(file));
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('synchronous', { simple: true })).toBe(2); // 2 = FULL
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(db.pragma('archive.journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('archive.synchronous', { simple: true })).toBe(2);
      expect(db.pragma('secure_delete', { simple: true })).toBe(1);
      expect(db.pragma('archive.secure_delete', { simple: true })).toBe(1);
    } finally {
      db.close();
    }
  });

  it('moves archived conversations into the archive file, and deletes them there on request', async () => {
    const file = freshFile();
    const archiveFile = path.join(root, `archive-${counter}.db`);
    const store = await openSqliteStore(file, { archiveFile });
    const id = newConversationId();
    const T0 = new Date('2030-01-01T00:00:00Z');
    await store.createConversation({ id, botId: 'demo', visitorId: 'v', origin: 'https://site.example', now: T0 });
    await store.appendMessage({ conversationId: id, clientId: 'c', sender: 'visitor', text: 'archived text', now: T0 });
    await store.putValue(id, { key: 'email', value: 'a@example.com', pii: 'contact', now: T0 });
    await store.sweep({ botId: 'demo', inactiveAfterMs: 1000, archive: true }, new Date(T0.getTime() + 1000));

    const live = new Database(file, { readonly: true });
    const archive = new Database(archiveFile, { readonly: true });
    try {
      expect(live.prepare('SELECT count(*) AS n FROM messages').get()).toEqual({ n: 0 });
      expect(live.prepare('SELECT count(*) AS n FROM collected_values').get()).toEqual({ n: 0 });
      expect(archive.prepare('SELECT text FROM messages WHERE conversation_id = ?').all(id)).toEqual([{ text: 'archived text' }]);
      expect(archive.prepare('SELECT value FROM collected_values WHERE conversation_id = ?').all(id)).toEqual([
        { value: 'a@example.com' },
      ]);

      // Message TTL reaches archived copies too: retention is a promise about the data, not the table.
      const swept = await store.sweep({ botId: 'demo', messageTtlMs: 1000, valueTtlMs: 1000 }, new Date(T0.getTime() + 5000));
      expect(swept).toMatchObject({ messagesDeleted: 1, valuesDeleted: 1 });
      expect(archive.prepare('SELECT count(*) AS n FROM messages').get()).toEqual({ n: 0 });

      expect(await store.deleteConversation(id)).toBe(true);
      expect(archive.prepare('SELECT count(*) AS n FROM conversations').get()).toEqual({ n: 0 });
    } finally {
      live.close();
      archive.close();
      await store.close();
    }
  });

  it('leaves no trace of a deleted conversation in the database files once checkpointed', async () => {
    const file = freshFile();
    const store = await openSqliteStore(file);
    const secret = 'secret-text-7f3a9c the visitor asked us to forget';
    const secretEmail = 'forget-me-7f3a9c@example.com';
    const id = newConversationId();
    await store.createConversation({ id, botId: 'demo', visitorId: 'v', origin: 'https://site.example' });
    await store.appendMessage({ conversationId: id, clientId: 'c', sender: 'visitor', text: secret });
    await store.putValue(id, { key: 'email', value: secretEmail, pii: 'contact' });
    const keep = newConversationId();
    await store.createConversation({ id: keep, botId: 'demo', visitorId: 'v2', origin: 'https://site.example' });
    await store.appendMessage({ conversationId: keep, clientId: 'c', sender: 'visitor', text: 'kept-text-51be' });
    await store.close();

    const bytesOf = (f: string) => (existsSync(f) ? readFileSync(f).toString('latin1') : '');
    // A checkpoint first, so the secret is in the main file (the case secure_delete must cover).
    const db = new Database(file);
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    expect(bytesOf(file)).toContain(secret);

    const reopened = await openSqliteStore(file);
    expect(await reopened.deleteConversation(id)).toBe(true);
    await reopened.close(); // the last connection to close checkpoints and removes the WAL

    const everything = [file, `${file}-wal`, `${file}-shm`].map(bytesOf).join('');
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain(secretEmail);
    expect(bytesOf(file)).toContain('kept-text-51be');
  });

  it('puts the archive beside the live file by default', () => {
    expect(defaultArchiveFile('/data/parley.db')).toBe('/data/parley-archive.db');
    expect(defaultArchiveFile('/data/store')).toBe('/data/store-archive.db');
  });

  it('rejects appends once closed instead of hanging or crashing', async () => {
    const store = await openSqliteStore(freshFile());
    const id = newConversationId();
    await store.createConversation({ id, botId: 'demo', visitorId: 'v', origin: 'https://site.example' });
    // Queued in this turn, flushed after close: the whole batch is refused.
    const pending = store.appendMessage({ conversationId: id, clientId: 'c', sender: 'visitor', text: 'x' });
    await store.close();
    await expect(pending).rejects.toThrow(/not open/);
    await expect(store.appendMessage({ conversationId: id, clientId: 'd', sender: 'visitor', text: 'y' })).rejects.toThrow();
  });

  it('answers ping false once closed', async () => {
    const store = await openSqliteStore(freshFile());
    await store.close();
    expect(await store.ping()).toBe(false);
  });
});
