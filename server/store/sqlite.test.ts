// The store contract on SQLite (a fresh temp file per test), plus what only a file can show:
// durability across reopen, idempotent migrations, file modes, where archived conversations go,
// and that deleted text is left in no file.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultArchiveFile, openDatabase, openSqliteStore } from './sqlite.ts';
import { LIVE_MIGRATIONS, migrate } from './sqlite-schema.ts';
import { newConversationId, runStoreContract } from './store-contract.ts';
import { SWEEP_BATCH } from './batches.ts';
import { filesContaining, modesIn, readSqliteArchive } from '../../test/helpers/data-files.ts';

const root = mkdtempSync(path.join(tmpdir(), 'parley-store-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let counter = 0;
function freshFile(): string {
  counter += 1;
  return path.join(root, `store-${counter}.db`);
}

/** A directory of its own, so a test can look at every file the store made there. */
function freshDir(): string {
  counter += 1;
  const dir = path.join(root, `dir-${counter}`);
  mkdirSync(dir, { mode: 0o700 });
  return dir;
}

runStoreContract('SQLite store contract', async () => {
  const file = freshFile();
  return { store: await openSqliteStore(file), readArchive: readSqliteArchive(defaultArchiveFile(file)) };
});

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

  it('migrates a database of version 4: messages, turns and indexes kept; operators, notices and handovers from then on', async () => {
    const file = freshFile();
    const id = newConversationId();
    const db = new Database(file);
    migrate(db, 'main', LIVE_MIGRATIONS.filter((m) => m.version <= 4));
    db.prepare("INSERT INTO conversations (id, bot_id, visitor_id, origin, created_at, last_activity_at, next_message_id) VALUES (?, 'demo', 'v', 'o', 0, 0, 4)").run(id);
    const insert = db.prepare(
      'INSERT INTO messages (conversation_id, id, client_id, sender, text, quick_replies, links, created_at, turn, reply_to) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    insert.run(id, 1, 'c1', 'visitor', 'hello', null, null, 1, null, null);
    insert.run(id, 2, null, 'bot', 'hi', '[{"label":"Yes","action":"yes"}]', null, 2, null, 1);
    insert.run(id, 3, 'c3', 'visitor', 'a human please', null, null, 3, '{"input":{"text":"a human please"},"locale":"en","access":"public"}', null);
    db.close();

    const store = await openSqliteStore(file);
    try {
      expect((await store.listMessages(id, 0, 10)).map((m) => [m.id, m.sender, m.text, m.clientId, m.quickReplies])).toEqual([
        [1, 'visitor', 'hello', 'c1', undefined],
        [2, 'bot', 'hi', null, [{ label: 'Yes', action: 'yes' }]],
        [3, 'visitor', 'a human please', 'c3', undefined],
      ]);
      expect(await store.nextTurn(id)).toMatchObject({ messageId: 3, input: { text: 'a human please' } });
      // The unique client id index came back with the table.
      expect((await store.appendMessage({ conversationId: id, clientId: 'c1', sender: 'visitor', text: 'again' })).created).toBe(false);
      const handover = { id: newConversationId(), source: 'intent' as const };
      await store.completeTurn(id, 3, { meta: { outcome: 'handover' }, replies: [{ sender: 'bot', text: 'One moment' }], values: [], state: {}, handover });
      expect((await store.openHandoverOf(id))?.id).toBe(handover.id);
      const { message } = await store.appendMessage({ conversationId: id, clientId: 'op', sender: 'operator', text: 'Ada here', author: 'Ada' });
      expect(message).toMatchObject({ id: 5, sender: 'operator', author: 'Ada' });
    } finally {
      await store.close();
    }
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
      // A WAL reset shrinks the file to nothing, so old frames do not linger past a checkpoint.
      expect(db.pragma('journal_size_limit', { simple: true })).toBe(0);
      expect(db.pragma('archive.journal_size_limit', { simple: true })).toBe(0);
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
      expect(archive.prepare('SELECT count(*) AS n FROM messages').get()).toEqual({ n: 0 });
      expect(archive.prepare('SELECT count(*) AS n FROM collected_values').get()).toEqual({ n: 0 });
    } finally {
      live.close();
      archive.close();
      await store.close();
    }
  });

  it('creates the database, the archive and their WAL and shared-memory files 0600', async () => {
    const dir = freshDir();
    const store = await openSqliteStore(path.join(dir, 'parley.db'));
    try {
      const id = newConversationId();
      await store.createConversation({ id, botId: 'demo', visitorId: 'v', origin: 'https://site.example' });
      await store.appendMessage({ conversationId: id, clientId: 'c', sender: 'visitor', text: 'x' });
      expect(modesIn(dir)).toEqual({
        '.': 0o700,
        'parley.db': 0o600,
        'parley.db-wal': 0o600,
        'parley.db-shm': 0o600,
        'parley-archive.db': 0o600,
        'parley-archive.db-wal': 0o600,
        'parley-archive.db-shm': 0o600,
      });
    } finally {
      await store.close();
    }
  });

  it('leaves deleted text (messages, values, handover notes) in no file while it stays open: delete, clear, expiry, idle deletion, archive move and archive expiry', async () => {
    const dir = freshDir();
    const file = path.join(dir, 'parley.db');
    const store = await openSqliteStore(file);
    const T0 = new Date('2030-01-01T00:00:00Z');
    const DAY = 86_400_000;
    const at = (ms: number) => new Date(T0.getTime() + ms);

    /** A conversation of bot `botId` holding `marker` in the main file, in the WAL and in a value. */
    async function holding(marker: string, botId = 'demo'): Promise<string> {
      const id = newConversationId();
      await store.createConversation({ id, botId, visitorId: 'v', origin: 'https://site.example', now: T0 });
      await store.appendMessage({ conversationId: id, clientId: 'a', sender: 'visitor', text: `${marker} in the main file`, now: T0 });
      // A second connection moves what is written so far into the main file; the next rows stay in the WAL.
      const other = new Database(file);
      other.pragma('wal_checkpoint(TRUNCATE)');
      other.close();
      await store.appendMessage({ conversationId: id, clientId: 'b', sender: 'visitor', text: `${marker} in the WAL`, now: T0 });
      await store.putValue(id, { key: 'email', value: `${marker}@example.com`, pii: 'contact', now: T0 });
      // A handover's text: an operator's note and the resolution note of a handover that is over.
      const { handover } = await store.openHandover({ id: newConversationId(), conversationId: id, source: 'intent', now: T0 });
      await store.addHandoverNote({ id: newConversationId(), handoverId: handover.id, authorId: 'op', text: `${marker} in a note`, createdAt: T0 });
      await store.transitionHandover(handover.id, 1, { state: 'resolved', endedAt: T0, resolution: 'answered', resolutionNote: `${marker} resolved` });
      expect(filesContaining(dir, `${marker} in a note`)).not.toEqual([]);
      expect(filesContaining(dir, `${marker} resolved`)).not.toEqual([]);
      return id;
    }

    try {
      const deleted = await holding('deleted-7f3a');
      expect(await store.deleteConversation(deleted)).toBe(true);
      expect(filesContaining(dir, 'deleted-7f3a')).toEqual([]);

      const cleared = await holding('cleared-51be');
      await store.clearConversation(cleared);
      expect(filesContaining(dir, 'cleared-51be')).toEqual([]);

      await holding('expired-c0de', 'expiring');
      await store.sweep({ botId: 'expiring', messageTtlMs: DAY, valueTtlMs: DAY }, at(2 * DAY));
      expect(filesContaining(dir, 'expired-c0de')).toEqual([]);

      await holding('idle-9e1d', 'idle');
      await store.sweep({ botId: 'idle', inactiveAfterMs: DAY, archive: false }, at(2 * DAY));
      expect(filesContaining(dir, 'idle-9e1d')).toEqual([]);

      // Archiving moves the text: afterwards it is in the archive files only, and archive expiry removes it there.
      await holding('archived-4b2f', 'archiving');
      await store.sweep({ botId: 'archiving', inactiveAfterMs: DAY, archive: true }, at(2 * DAY));
      expect(filesContaining(dir, 'archived-4b2f').every((name) => name.startsWith('parley-archive.db'))).toBe(true);
      expect(filesContaining(dir, 'archived-4b2f')).not.toEqual([]);
      await store.sweep({ botId: 'archiving', archiveTtlMs: DAY }, at(4 * DAY));
      expect(filesContaining(dir, 'archived-4b2f')).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('sweeps 50,000 expired messages in bounded batches, with the event loop free between them', async () => {
    const file = freshFile();
    const store = await openSqliteStore(file);
    const T0 = new Date('2030-01-01T00:00:00Z');
    const id = newConversationId();
    await store.createConversation({ id, botId: 'bulk', visitorId: 'v', origin: 'https://site.example', now: T0 });
    const seeder = new Database(file);
    seeder
      .prepare(
        `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50000)
         INSERT INTO messages (conversation_id, id, client_id, sender, text, created_at)
         SELECT ?, i, NULL, 'bot', 'old', ? FROM n`,
      )
      .run(id, T0.getTime());
    seeder.close();
    const counter = new Database(file, { readonly: true });
    const remaining = () => counter.prepare('SELECT count(*) FROM messages').pluck().get() as number;

    // A callback that re-queues itself on every turn of the event loop, counting what is left each time.
    const seen: number[] = [];
    let done = false;
    const watch = () => {
      if (done) return;
      seen.push(remaining());
      setImmediate(watch);
    };
    try {
      const sweeping = store.sweep({ botId: 'bulk', messageTtlMs: 1000 }, new Date(T0.getTime() + 60_000));
      setImmediate(watch);
      const result = await sweeping.finally(() => (done = true));
      expect(result.messagesDeleted).toBe(50_000);
      expect(remaining()).toBe(0);
      // The loop turned while the sweep was under way and saw it part-way done, many times over…
      const partWay = seen.filter((n) => n > 0 && n < 50_000);
      expect(partWay.length).toBeGreaterThanOrEqual(50_000 / SWEEP_BATCH / 2);
      // …and no step between two turns removed more than one batch.
      const steps = [50_000, ...seen, 0].slice(1).map((n, i) => [50_000, ...seen, 0][i]! - n);
      expect(Math.max(...steps)).toBeLessThanOrEqual(SWEEP_BATCH);
    } finally {
      counter.close();
      await store.close();
    }
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
