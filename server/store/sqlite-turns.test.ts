// Durable turns on SQLite: the shared turn contract, plus what only the file shows.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { PENDING_TURN_CONVERSATIONS, openDatabase, openSqliteStore } from './sqlite.ts';
import { LIVE_MIGRATIONS, migrate } from './sqlite-schema.ts';
import { runTurnContract } from './turns-contract.ts';
import { runTurnMetaContract } from './turn-meta-contract.ts';
import { newConversationId } from './store-contract.ts';

const root = mkdtempSync(path.join(tmpdir(), 'parley-turns-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let counter = 0;
const freshFile = () => path.join(root, `turns-${++counter}.db`);

runTurnContract('SQLite turn contract', () => openSqliteStore(freshFile()));
runTurnMetaContract('SQLite turn metadata contract', () => openSqliteStore(freshFile()));

describe('SQLite turns on disk', () => {
  it('a pending turn survives a reopen; the lease of the run before does not', async () => {
    const file = freshFile();
    const id = newConversationId();
    const first = await openSqliteStore(file);
    await first.createConversation({ id, botId: 'demo', visitorId: 'v', origin: 'https://site.example' });
    const { message } = await first.appendVisitorMessage({
      conversationId: id, clientId: 'c', sender: 'visitor', text: 'hi', turn: { input: { text: 'hi' }, locale: 'en', access: 'public' },
    });
    expect(await first.lease(`turns:${id}`, 'killed-instance', Date.now(), Date.now() + 3_600_000)).toBe(true);
    await first.close(); // as good as a crash for the file: the lease row stays behind

    const second = await openSqliteStore(file);
    expect((await second.nextTurn(id))?.messageId).toBe(message.id);
    expect(await second.lease(`turns:${id}`, 'new-instance', Date.now(), Date.now() + 1000)).toBe(true);
    await second.close();
  });

  it('keeps a form answer as typed only until its turn is done', async () => {
    const dir = mkdtempSync(path.join(root, 'pii-'));
    const store = await openSqliteStore(path.join(dir, 'parley.db'));
    const id = newConversationId();
    await store.createConversation({ id, botId: 'demo', visitorId: 'v', origin: 'https://site.example' });
    const secret = 'turn-input-7f3a@example.com';
    const { message } = await store.appendVisitorMessage({
      conversationId: id, clientId: 'c', sender: 'visitor', text: '••••••', turn: { input: { text: secret }, locale: 'en', access: 'public' },
    });
    await store.completeTurn(id, message.id, { meta: { outcome: 'answered' }, replies: [{ sender: 'bot', text: 'thanks' }], values: [], state: {} });
    await store.close(); // checkpoints the WAL into the file
    for (const name of readdirSync(dir)) {
      expect(readFileSync(path.join(dir, name)).includes(secret), name).toBe(false);
    }
  });

  it('archiving carries what each turn did, and the conversation\'s language, intents and outcomes, into the archive file', async () => {
    const dir = mkdtempSync(path.join(root, 'archive-meta-'));
    const store = await openSqliteStore(path.join(dir, 'parley.db'));
    const id = newConversationId();
    const then = new Date('2030-01-01T00:00:00Z');
    await store.createConversation({ id, botId: 'demo', visitorId: 'v', origin: 'https://site.example', locale: 'nb', now: then });
    const { message } = await store.appendVisitorMessage({
      conversationId: id, clientId: 'c', sender: 'visitor', text: 'hei', turn: { input: { text: 'hei' }, locale: 'nb', access: 'public' }, now: then,
    });
    await store.completeTurn(id, message.id, { meta: { outcome: 'answered', intent: 'hours' }, replies: [], values: [], state: {}, now: then });
    await store.sweep({ botId: 'demo', inactiveAfterMs: 86_400_000, archive: true }, new Date(then.getTime() + 2 * 86_400_000));
    await store.close();
    const archive = new Database(path.join(dir, 'parley-archive.db'), { readonly: true });
    try {
      expect(archive.prepare('SELECT locale, intents, outcomes FROM conversations WHERE id = ?').get(id)).toEqual({
        locale: 'nb',
        intents: '["hours"]',
        outcomes: '["answered"]',
      });
      expect(archive.prepare('SELECT id, intent, outcome FROM messages WHERE conversation_id = ?').all(id)).toEqual([
        { id: message.id, intent: 'hours', outcome: 'answered' },
      ]);
    } finally {
      archive.close();
    }
  });

  it('migrates a database of version 6: its conversations read with no language, intents or outcomes, and its turns record them from then on', async () => {
    const file = freshFile();
    const id = newConversationId();
    const db = new Database(file);
    migrate(db, 'main', LIVE_MIGRATIONS.filter((m) => m.version <= 6));
    db.prepare("INSERT INTO conversations (id, bot_id, visitor_id, origin, created_at, last_activity_at, next_message_id) VALUES (?, 'demo', 'v', 'o', 0, 0, 2)").run(id);
    db.prepare(
      `INSERT INTO messages (conversation_id, id, client_id, sender, text, created_at, turn) VALUES (?, 1, 'c1', 'visitor', 'hi', 1, ?)`,
    ).run(id, '{"input":{"text":"hi"},"locale":"en","access":"public"}');
    db.close();

    const store = await openSqliteStore(file);
    try {
      expect(await store.getConversation(id)).toMatchObject({ locale: null, intents: [], outcomes: [] });
      await store.completeTurn(id, 1, { meta: { outcome: 'fallback' }, locale: 'en', replies: [], values: [], state: {} });
      expect(await store.getConversation(id)).toMatchObject({ locale: 'en', intents: [], outcomes: ['fallback'] });
      expect((await store.listTurnMeta(id)).map((m) => [m.messageId, m.outcome, m.intent])).toEqual([[1, 'fallback', null]]);
    } finally {
      await store.close();
    }
  });
});

describe('SQLite turn scan', () => {
  it('reads the pending-turns index, not every message ever stored', () => {
    const file = freshFile();
    const db = openDatabase(file, `${file}.archive`);
    try {
      const plan = db.prepare(`EXPLAIN QUERY PLAN ${PENDING_TURN_CONVERSATIONS}`).all(100) as { detail: string }[];
      expect(plan.map((step) => step.detail).join('; ')).toMatch(/messages USING INDEX messages_pending_turns/);
    } finally {
      db.close();
    }
  });
});
