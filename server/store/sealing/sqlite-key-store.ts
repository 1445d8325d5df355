// The key store of a SQLite deployment: a database file of its own (KEY_STORE_FILE, by default
// DATA_DIR/parley-keys.db), never part of `npm run parley -- backup`. Written like the data files:
// created 0600, WAL with synchronous=FULL (a key is on disk before anything is sealed with it),
// secure_delete so a destroyed key is zeroed in the file, and a checkpoint that truncates the WAL
// after every destruction so the WAL does not keep it either.
import Database from 'better-sqlite3';
import { createPrivately } from '../sqlite.ts';
import { migrate, type Migration } from '../sqlite-schema.ts';
import type { KeyStore } from './key-store.ts';
import type { WrappedKey } from './key-wrap.ts';

const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE data_keys (
        conversation_id TEXT NOT NULL,
        generation INTEGER NOT NULL,
        kid TEXT NOT NULL,
        wrapped BLOB NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (conversation_id, generation)
      ) STRICT;
      CREATE INDEX data_keys_kid ON data_keys (kid);
      CREATE TABLE key_store_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
    `,
  },
];

interface KeyRow {
  conversation_id: string;
  generation: number;
  kid: string;
  wrapped: Buffer;
  created_at: number;
}

const fromRow = (row: KeyRow): WrappedKey => ({
  conversationId: row.conversation_id,
  generation: row.generation,
  kid: row.kid,
  wrapped: row.wrapped,
  createdAt: new Date(row.created_at),
});

const COLUMNS = 'conversation_id, generation, kid, wrapped, created_at';

export function openSqliteKeyStore(file: string): KeyStore {
  createPrivately(file);
  const db = new Database(file);
  try {
    db.pragma('busy_timeout = 5000');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('secure_delete = ON');
    db.pragma('journal_size_limit = 0');
    migrate(db, 'main', MIGRATIONS);
  } catch (err) {
    db.close();
    throw err;
  }
  const sql = {
    newest: db.prepare<[string], KeyRow>(`SELECT ${COLUMNS} FROM data_keys WHERE conversation_id = ? ORDER BY generation DESC LIMIT 1`),
    get: db.prepare<[string, number], KeyRow>(`SELECT ${COLUMNS} FROM data_keys WHERE conversation_id = ? AND generation = ?`),
    insert: db.prepare(`INSERT OR IGNORE INTO data_keys (${COLUMNS}) VALUES (?, ?, ?, ?, ?)`),
    destroyAll: db.prepare<[{ ids: string }]>('DELETE FROM data_keys WHERE conversation_id IN (SELECT value FROM json_each(@ids))'),
    destroyBelow: db.prepare<[string, number]>('DELETE FROM data_keys WHERE conversation_id = ? AND generation < ?'),
    wrappedByOthers: db.prepare<[string, number], KeyRow>(`SELECT ${COLUMNS} FROM data_keys WHERE kid != ? LIMIT ?`),
    rewrap: db.prepare<[Buffer, string, string, number, string]>(
      'UPDATE data_keys SET wrapped = ?, kid = ? WHERE conversation_id = ? AND generation = ? AND kid = ?',
    ),
    kids: db.prepare<[], { kid: string; n: number }>('SELECT kid, count(*) AS n FROM data_keys GROUP BY kid ORDER BY kid'),
    sampleOf: db.prepare<[string], KeyRow>(`SELECT ${COLUMNS} FROM data_keys WHERE kid = ? LIMIT 1`),
    meta: db.prepare<[string], { value: string }>('SELECT value FROM key_store_meta WHERE name = ?'),
    setMeta: db.prepare('INSERT INTO key_store_meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value'),
    ping: db.prepare<[], { one: number }>('SELECT 1 AS one FROM sqlite_schema LIMIT 1'),
  };
  const rewrapAll = db.transaction((changes: ReadonlyArray<{ from: string; to: WrappedKey }>) =>
    changes.reduce((n, { from, to }) => n + sql.rewrap.run(to.wrapped, to.kid, to.conversationId, to.generation, from).changes, 0),
  );
  /** Destroyed keys are zeroed in the file by secure_delete; this takes them out of the WAL. */
  const truncateWal = () => db.pragma('wal_checkpoint(TRUNCATE)');

  return {
    where: file,
    shared: false,
    async newest(conversationId) {
      const row = sql.newest.get(conversationId);
      return row ? fromRow(row) : null;
    },
    async get(conversationId, generation) {
      const row = sql.get.get(conversationId, generation);
      return row ? fromRow(row) : null;
    },
    async insert(key) {
      return sql.insert.run(key.conversationId, key.generation, key.kid, key.wrapped, key.createdAt.getTime()).changes === 1;
    },
    async destroy(ids, keepFrom) {
      if (ids.length === 0) return;
      const removed =
        keepFrom === undefined
          ? sql.destroyAll.run({ ids: JSON.stringify(ids) }).changes
          : ids.reduce((n, id) => n + sql.destroyBelow.run(id, keepFrom).changes, 0);
      if (removed > 0) truncateWal();
    },
    async wrappedByOthers(kid, limit) {
      return sql.wrappedByOthers.all(kid, limit).map(fromRow);
    },
    async rewrap(changes) {
      const replaced = rewrapAll.immediate(changes);
      // The old wrappings were overwritten in place (secure_delete); the WAL held the old pages.
      truncateWal();
      return replaced;
    },
    async kidsInUse() {
      return sql.kids.all().map(({ kid, n }) => ({ kid, count: n, sample: fromRow(sql.sampleOf.get(kid)!) }));
    },
    async meta(name) {
      return sql.meta.get(name)?.value ?? null;
    },
    async setMeta(name, value) {
      sql.setMeta.run(name, value);
    },
    async ping() {
      try {
        return db.open && sql.ping.get()?.one === 1;
      } catch {
        return false;
      }
    },
    async close() {
      if (db.open) db.close();
    },
  };
}
