// The SQLite adapter (better-sqlite3): the embedded default. One connection, prepared statements,
// WAL with synchronous=FULL so a message is on disk before appendMessage resolves (the HTTP layer
// answers 202 only after that, and a crash after the 202 must lose nothing; NORMAL in WAL mode may
// drop the last commits on power loss). Retention is a sweeper (sweep) run by the server.
import { closeSync, openSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { ChatMessage, Sender } from '../../common/wire.ts';
import type {
  AppendResult,
  CollectedValue,
  Conversation,
  NewConversation,
  NewMessage,
  PiiTag,
  RetentionPolicy,
  Store,
  SweepResult,
} from './store.ts';
import { checkAfter, checkDate, checkDuration, checkLimit, checkPii, checkSender, idString } from './arguments.ts';
import { storeError } from './errors.ts';
import { groupCommit } from './group-commit.ts';
import { ARCHIVE_MIGRATIONS, LIVE_MIGRATIONS, migrate } from './sqlite-schema.ts';
import { parseJsonColumn, pickLinks, pickQuickReplies, toChatMessage } from './rows.ts';

interface ConversationRow {
  id: string;
  bot_id: string;
  visitor_id: string;
  origin: string;
  created_at: number;
  last_activity_at: number;
  handover: number;
  state: string;
}

interface MessageRow {
  conversation_id: string;
  id: number;
  client_id: string | null;
  sender: Sender;
  text: string;
  quick_replies: string | null;
  links: string | null;
  created_at: number;
}

interface ValueRow {
  key: string;
  value: string;
  pii: PiiTag;
  created_at: number;
}

/** `<dir>/parley.db` → `<dir>/parley-archive.db`: archived conversations live in their own file. */
export function defaultArchiveFile(file: string): string {
  if (file === ':memory:') return ':memory:';
  const parsed = path.parse(file);
  return path.join(parsed.dir, `${parsed.name}-archive${parsed.ext || '.db'}`);
}

function toConversation(row: ConversationRow): Conversation {
  return {
    id: row.id,
    botId: row.bot_id,
    visitorId: row.visitor_id,
    origin: row.origin,
    createdAt: new Date(row.created_at),
    lastActivityAt: new Date(row.last_activity_at),
    handover: row.handover === 1,
    state: parseJsonColumn<Record<string, unknown>>(row.state) ?? {},
  };
}

function messageFromRow(row: MessageRow): ChatMessage {
  return toChatMessage({
    conversationId: row.conversation_id,
    id: row.id,
    clientId: row.client_id,
    sender: row.sender,
    text: row.text,
    quickReplies: parseJsonColumn(row.quick_replies),
    links: parseJsonColumn(row.links),
    createdAt: new Date(row.created_at),
  });
}

/**
 * Creates `file` readable by its owner only, before SQLite opens it: SQLite would create it 0644
 * (less the umask), and gives the file's WAL and shared-memory files the same mode as the file.
 */
function createPrivately(file: string): void {
  if (file !== ':memory:') closeSync(openSync(file, 'a', 0o600));
}

/** Opens the live file with the archive attached, both migrated. Exported for the adapter's own tests. */
export function openDatabase(file: string, archiveFile: string): Database.Database {
  createPrivately(file);
  createPrivately(archiveFile);
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    // Deleted rows are overwritten with zeros, not left in free pages: "deleted on request" must
    // mean the text cannot be read back from the file.
    db.pragma('secure_delete = ON');
    db.prepare('ATTACH DATABASE ? AS archive').run(archiveFile);
    db.pragma('archive.journal_mode = WAL');
    db.pragma('archive.synchronous = FULL');
    db.pragma('archive.secure_delete = ON');
    migrate(db, 'main', LIVE_MIGRATIONS);
    migrate(db, 'archive', ARCHIVE_MIGRATIONS);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

function prepareStatements(db: Database.Database) {
  const conversationColumns = 'id, bot_id, visitor_id, origin, created_at, last_activity_at, handover, state';
  const messageColumns = 'conversation_id, id, client_id, sender, text, quick_replies, links, created_at';
  // Conversations of one bot idle since the cutoff (inclusive: idle for exactly the period counts).
  const idleOfBot = 'SELECT id FROM main.conversations WHERE bot_id = @botId AND last_activity_at <= @cutoff';
  return {
    insertConversation: db.prepare(
      `INSERT INTO conversations (${conversationColumns}) VALUES (@id, @botId, @visitorId, @origin, @now, @now, 0, '{}')`,
    ),
    getConversation: db.prepare<[string], ConversationRow>(`SELECT ${conversationColumns} FROM conversations WHERE id = ?`),
    existsAnywhere: db.prepare<[string, string], { n: number }>(
      'SELECT (SELECT count(*) FROM main.conversations WHERE id = ?) + (SELECT count(*) FROM archive.conversations WHERE id = ?) AS n',
    ),
    updateState: db.prepare('UPDATE conversations SET state = ? WHERE id = ?'),
    updateHandover: db.prepare('UPDATE conversations SET handover = ? WHERE id = ?'),
    updateActivity: db.prepare('UPDATE conversations SET last_activity_at = ? WHERE id = ?'),
    allocateMessageId: db.prepare<[number, string], { id: number }>(
      `UPDATE conversations SET next_message_id = next_message_id + 1, last_activity_at = max(last_activity_at, ?)
       WHERE id = ? RETURNING next_message_id - 1 AS id`,
    ),
    insertMessage: db.prepare(
      `INSERT INTO messages (${messageColumns})
       VALUES (@conversationId, @id, @clientId, @sender, @text, @quickReplies, @links, @createdAt)`,
    ),
    messageByClientId: db.prepare<[string, string], MessageRow>(
      `SELECT ${messageColumns} FROM messages WHERE conversation_id = ? AND client_id = ?`,
    ),
    messageById: db.prepare<[string, number], MessageRow>(`SELECT ${messageColumns} FROM messages WHERE conversation_id = ? AND id = ?`),
    listMessages: db.prepare<[string, number, number], MessageRow>(
      `SELECT ${messageColumns} FROM messages WHERE conversation_id = ? AND id > ? ORDER BY id LIMIT ?`,
    ),
    conversationExists: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM conversations WHERE id = ?'),
    upsertValue: db.prepare(
      `INSERT INTO collected_values (conversation_id, key, value, pii, created_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (conversation_id, key) DO UPDATE SET value = excluded.value, pii = excluded.pii, created_at = excluded.created_at`,
    ),
    listValues: db.prepare<[string], ValueRow>(
      'SELECT key, value, pii, created_at FROM collected_values WHERE conversation_id = ? ORDER BY created_at, rowid',
    ),
    deleteLive: db.prepare('DELETE FROM main.conversations WHERE id = ?'),
    deleteArchivedConversation: db.prepare('DELETE FROM archive.conversations WHERE id = ?'),
    deleteArchivedMessages: db.prepare('DELETE FROM archive.messages WHERE conversation_id = ?'),
    deleteArchivedValues: db.prepare('DELETE FROM archive.collected_values WHERE conversation_id = ?'),
    expireMessages: db.prepare(
      `DELETE FROM main.messages WHERE created_at < @cutoff
       AND conversation_id IN (SELECT id FROM main.conversations WHERE bot_id = @botId)`,
    ),
    expireArchivedMessages: db.prepare(
      `DELETE FROM archive.messages WHERE created_at < @cutoff
       AND conversation_id IN (SELECT id FROM archive.conversations WHERE bot_id = @botId)`,
    ),
    expireValues: db.prepare(
      `DELETE FROM main.collected_values WHERE created_at < @cutoff
       AND conversation_id IN (SELECT id FROM main.conversations WHERE bot_id = @botId)`,
    ),
    expireArchivedValues: db.prepare(
      `DELETE FROM archive.collected_values WHERE created_at < @cutoff
       AND conversation_id IN (SELECT id FROM archive.conversations WHERE bot_id = @botId)`,
    ),
    archiveConversations: db.prepare(
      `INSERT OR REPLACE INTO archive.conversations
       SELECT id, bot_id, visitor_id, origin, created_at, last_activity_at, handover, state, next_message_id, @now
       FROM main.conversations WHERE id IN (${idleOfBot})`,
    ),
    archiveMessages: db.prepare(
      `INSERT OR REPLACE INTO archive.messages SELECT ${messageColumns} FROM main.messages
       WHERE conversation_id IN (${idleOfBot})`,
    ),
    archiveValues: db.prepare(
      `INSERT OR REPLACE INTO archive.collected_values SELECT conversation_id, key, value, pii, created_at
       FROM main.collected_values WHERE conversation_id IN (${idleOfBot})`,
    ),
    deleteIdle: db.prepare(`DELETE FROM main.conversations WHERE id IN (${idleOfBot})`),
    ping: db.prepare<[], { one: number }>('SELECT 1 AS one'),
  };
}

export interface SqliteStoreOptions {
  /** Where archived conversations go; defaults to `<name>-archive.db` beside `file`. */
  archiveFile?: string;
}

export async function openSqliteStore(file: string, opts: SqliteStoreOptions = {}): Promise<Store> {
  const db = openDatabase(file, opts.archiveFile ?? defaultArchiveFile(file));
  const sql = prepareStatements(db);

  const append = db.transaction((input: NewMessage): AppendResult => {
    const conversationId = idString(input.conversationId);
    const clientId = input.clientId === null ? null : idString(input.clientId);
    if (clientId !== null) {
      const existing = sql.messageByClientId.get(conversationId, clientId);
      if (existing) return { message: messageFromRow(existing), created: false };
    }
    const createdAt = checkDate('now', input.now ?? new Date()).getTime();
    const allocated = sql.allocateMessageId.get(createdAt, conversationId);
    if (!allocated) throw storeError('unknown_conversation', 'no such conversation');
    const quickReplies = pickQuickReplies(input.quickReplies);
    const links = pickLinks(input.links);
    sql.insertMessage.run({
      conversationId,
      id: allocated.id,
      clientId,
      sender: checkSender(input.sender),
      text: String(input.text),
      quickReplies: quickReplies && JSON.stringify(quickReplies),
      links: links && JSON.stringify(links),
      createdAt,
    });
    const stored = sql.messageById.get(conversationId, allocated.id);
    if (!stored) throw new Error('message vanished inside its own transaction');
    return { message: messageFromRow(stored), created: true };
  });

  const appendGrouped = groupCommit(db, append);

  const update = db.transaction(
    (id: string, patch: { state?: Record<string, unknown>; handover?: boolean; lastActivityAt?: Date }) => {
      if (patch.state !== undefined) sql.updateState.run(JSON.stringify(patch.state), id);
      if (patch.handover !== undefined) sql.updateHandover.run(patch.handover ? 1 : 0, id);
      if (patch.lastActivityAt !== undefined) sql.updateActivity.run(checkDate('lastActivityAt', patch.lastActivityAt).getTime(), id);
    },
  );

  const remove = db.transaction((id: string): boolean => {
    const live = sql.deleteLive.run(id).changes; // messages and values follow by ON DELETE CASCADE
    const archived = sql.deleteArchivedConversation.run(id).changes;
    sql.deleteArchivedMessages.run(id);
    sql.deleteArchivedValues.run(id);
    return live + archived > 0;
  });

  const expire = db.transaction((policy: RetentionPolicy, now: number) => {
    let messagesDeleted = 0;
    let valuesDeleted = 0;
    const messageTtl = checkDuration('messageTtlMs', policy.messageTtlMs);
    if (messageTtl !== undefined) {
      const params = { botId: policy.botId, cutoff: now - messageTtl };
      messagesDeleted += sql.expireMessages.run(params).changes + sql.expireArchivedMessages.run(params).changes;
    }
    const valueTtl = checkDuration('valueTtlMs', policy.valueTtlMs);
    if (valueTtl !== undefined) {
      const params = { botId: policy.botId, cutoff: now - valueTtl };
      valuesDeleted += sql.expireValues.run(params).changes + sql.expireArchivedValues.run(params).changes;
    }
    return { messagesDeleted, valuesDeleted };
  });

  // In WAL mode a transaction spanning two attached files is atomic per file only, so archiving is
  // two transactions: copy (idempotent, INSERT OR REPLACE), then delete from the live file. A crash
  // between them leaves the conversation in both places, and the next sweep finishes the move.
  const copyIdleToArchive = db.transaction((params: { botId: string; cutoff: number; now: number }) => {
    sql.archiveConversations.run(params);
    sql.archiveMessages.run(params);
    sql.archiveValues.run(params);
  });
  const deleteIdle = db.transaction(
    (params: { botId: string; cutoff: number }) => sql.deleteIdle.run(params).changes,
  );

  let closed = false;

  return {
    kind: 'sqlite',

    async createConversation(input: NewConversation): Promise<Conversation> {
      const id = idString(input.id);
      if ((sql.existsAnywhere.get(id, id)?.n ?? 0) > 0) {
        throw storeError('duplicate_conversation', 'a conversation with this id exists');
      }
      sql.insertConversation.run({
        id,
        botId: idString(input.botId),
        visitorId: idString(input.visitorId),
        origin: String(input.origin),
        now: checkDate('now', input.now ?? new Date()).getTime(),
      });
      const row = sql.getConversation.get(id);
      if (!row) throw new Error('conversation vanished after insert');
      return toConversation(row);
    },

    async getConversation(id: string): Promise<Conversation | null> {
      const row = sql.getConversation.get(idString(id));
      return row ? toConversation(row) : null;
    },

    async updateConversation(id, patch): Promise<void> {
      update(idString(id), patch);
    },

    appendMessage: appendGrouped,

    async listMessages(conversationId: string, after: number, limit: number): Promise<ChatMessage[]> {
      const rows = sql.listMessages.all(idString(conversationId), checkAfter(after), checkLimit(limit));
      return rows.map(messageFromRow);
    },

    async putValue(conversationId, value): Promise<void> {
      const id = idString(conversationId);
      if (!sql.conversationExists.get(id)) throw storeError('unknown_conversation', 'no such conversation');
      const createdAt = checkDate('now', value.now ?? new Date()).getTime();
      sql.upsertValue.run(id, String(value.key), String(value.value), checkPii(value.pii), createdAt);
    },

    async listValues(conversationId: string): Promise<CollectedValue[]> {
      return sql.listValues.all(idString(conversationId)).map((row) => ({
        key: row.key,
        value: row.value,
        pii: row.pii,
        createdAt: new Date(row.created_at),
      }));
    },

    async deleteConversation(id: string): Promise<boolean> {
      return remove.immediate(idString(id));
    },

    async sweep(policy: RetentionPolicy, now: Date): Promise<SweepResult> {
      const at = checkDate('now', now).getTime();
      const botId = idString(policy.botId);
      const { messagesDeleted, valuesDeleted } = expire.immediate({ ...policy, botId }, at);
      let conversationsArchived = 0;
      let conversationsDeleted = 0;
      const inactiveAfter = checkDuration('inactiveAfterMs', policy.inactiveAfterMs);
      if (inactiveAfter !== undefined) {
        const params = { botId, cutoff: at - inactiveAfter };
        if (policy.archive) {
          copyIdleToArchive.immediate({ ...params, now: at });
          conversationsArchived = deleteIdle.immediate(params);
        } else {
          conversationsDeleted = deleteIdle.immediate(params);
        }
      }
      return { messagesDeleted, valuesDeleted, conversationsArchived, conversationsDeleted };
    },

    async ping(): Promise<boolean> {
      if (closed) return false;
      try {
        return sql.ping.get()?.one === 1;
      } catch {
        return false;
      }
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      db.close();
    },
  };
}
