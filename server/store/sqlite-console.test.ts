// The console contract on SQLite (a fresh temp file per test), plus what only the file shows: the
// append-only triggers, tokens absent from the file, and migration 3 over an existing database.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from './sqlite.ts';
import { LIVE_MIGRATIONS, migrate } from './sqlite-schema.ts';
import { newUserInput, runConsoleContract, storeSessionAndLink } from './console-contract.ts';
import { newId } from '../chat/ids.ts';

const root = mkdtempSync(path.join(tmpdir(), 'parley-console-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let counter = 0;
const freshFile = () => path.join(root, `console-${++counter}.db`);

runConsoleContract('SQLite console contract', () => openSqliteStore(freshFile()));

describe('SQLite console store on disk', () => {
  it('refuses UPDATE and DELETE of audit entries, even in plain SQL', async () => {
    const file = freshFile();
    const store = await openSqliteStore(file);
    await store.appendAudit({ at: new Date(), actor: null, action: 'login.failed', target: null, outcome: 'failed', ip: null, details: {} });
    await store.close();
    const db = new Database(file);
    try {
      expect(() => db.prepare("UPDATE audit_log SET outcome = 'ok' WHERE seq = 1").run()).toThrow(/append-only/);
      expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
      expect(db.prepare('SELECT outcome FROM audit_log').all()).toEqual([{ outcome: 'failed' }]);
    } finally {
      db.close();
    }
  });

  it('keeps session and one-time tokens only as hashes: the tokens are in no file', async () => {
    const dir = mkdtempSync(path.join(root, 'tokens-'));
    const store = await openSqliteStore(path.join(dir, 'parley.db'));
    const { tokens, hashes } = await storeSessionAndLink(store);
    await store.close(); // checkpoints the WAL into the file
    const files = readdirSync(dir).map((name) => readFileSync(path.join(dir, name)));
    for (const hash of hashes) expect(files.some((bytes) => bytes.includes(hash))).toBe(true); // the scan finds what is stored
    for (const token of tokens) expect(files.some((bytes) => bytes.includes(token))).toBe(false);
  });

  it('migrates a database of the version before: conversations kept, console tables added', async () => {
    const file = freshFile();
    const id = newId();
    const db = new Database(file);
    migrate(db, 'main', LIVE_MIGRATIONS.filter((m) => m.version < 3));
    db.prepare("INSERT INTO conversations (id, bot_id, visitor_id, origin, created_at, last_activity_at) VALUES (?, 'demo', 'v', 'o', 0, 0)").run(id);
    db.close();

    const store = await openSqliteStore(file);
    try {
      expect((await store.getConversation(id))?.botId).toBe('demo');
      const user = await store.createUser(newUserInput('administrator'));
      expect(await store.getUser(user.id)).toEqual(user);
      expect((await store.appendAudit({ at: new Date(), actor: user.id, action: 'user.create', target: user.id, outcome: 'ok', ip: null, details: {} })).seq).toBe(1);
    } finally {
      await store.close();
    }
  });

  it('keeps users, sessions and the audit log across close and reopen', async () => {
    const file = freshFile();
    const first = await openSqliteStore(file);
    const user = await first.createUser(newUserInput('administrator'));
    const entry = await first.appendAudit({ at: new Date(), actor: user.id, action: 'login', target: null, outcome: 'ok', ip: '::1', details: { method: 'password' } });
    await first.close();
    const second = await openSqliteStore(file);
    try {
      expect(await second.getUser(user.id)).toEqual(user);
      expect(await second.listAudit({ limit: 10 })).toEqual([entry]);
      expect((await second.appendAudit({ ...entry, action: 'logout' })).prevHash).toBe(entry.hash);
    } finally {
      await second.close();
    }
  });
});
