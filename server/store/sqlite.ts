// The SQLite adapter (better-sqlite3): the embedded default. One connection, prepared statements,
// WAL with synchronous=FULL so a message is on disk before appendMessage resolves (the HTTP layer
// answers 202 only after that, and a crash after the 202 must lose nothing; NORMAL in WAL mode may
// drop the last commits on power loss). Retention is a sweeper (sqlite-sweep.ts) run by the server.
import { closeSync, openSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { ChatMessage, Notice, Sender } from '../../common/wire.ts';
import type {
  AppendResult,
  CollectedValue,
  Conversation,
  ConversationOwner,
  NewConversation,
  NewMessage,
  PiiTag,
  PendingTurn,
  Store,
  StoredTurnMeta,
  TurnOutcome,
  TurnRequest,
} from './store.ts';
import type { MessageOutcome } from '../../common/turn-outcomes.ts';
import { checkAfter, checkDate, checkLimit, checkPii, checkSender, idString, locale, messageExtras, turnMeta, turnRequest } from './arguments.ts';
import { storeError } from './errors.ts';
import { groupCommit } from './group-commit.ts';
import { sqliteConsoleStore } from './sqlite-console.ts';
import { sqliteHandovers } from './sqlite-handovers.ts';
import { sqliteReports } from './sqlite-reports.ts';
import { sqliteOutbox, sqliteWebhooks } from './sqlite-webhooks.ts';
import { checkEvents } from './webhook-arguments.ts';
import { conversationStarted, messageStored, turnCompleted } from '../reports/tally.ts';
import { newHandover } from './handover-arguments.ts';
import { ARCHIVE_MIGRATIONS, LIVE_MIGRATIONS, MESSAGE_COLUMNS, migrate } from './sqlite-schema.ts';
import { createSqliteSweep } from './sqlite-sweep.ts';
import { CONVERSATION_COLUMNS, toConversation, type ConversationRow } from './sqlite-conversations.ts';
import { sqliteBrowse } from './sqlite-browse.ts';
import { sqliteDataProtection } from './sqlite-data-protection.ts';
import { addOnce, parseJsonColumn, pickLinks, pickQuickReplies, toChatMessage } from './rows.ts';

/**
 * The conversations with turns not yet run, oldest first: what every instance's turn scan asks
 * every TURN_SCAN_INTERVAL. Named index: left to choose, SQLite groups by conversation_id along the
 * primary key and so reads every message ever stored (a full scan each 2 s, growing with history;
 * issue 17's load bench stalled on it at ~100,000 messages), where the partial index holds only
 * the pending few.
 */
export const PENDING_TURN_CONVERSATIONS = `SELECT conversation_id FROM messages INDEXED BY messages_pending_turns WHERE turn IS NOT NULL
  GROUP BY conversation_id ORDER BY min(created_at) LIMIT ?`;

export interface MessageRow {
  conversation_id: string;
  id: number;
  client_id: string | null;
  sender: Sender;
  text: string;
  quick_replies: string | null;
  links: string | null;
  created_at: number;
  author: string | null;
  notice: string | null;
}

export interface ValueRow {
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

export function messageFromRow(row: MessageRow): ChatMessage {
  return toChatMessage({
    conversationId: row.conversation_id,
    id: row.id,
    clientId: row.client_id,
    sender: row.sender,
    text: row.text,
    quickReplies: parseJsonColumn(row.quick_replies),
    links: parseJsonColumn(row.links),
    author: row.author,
    notice: parseJsonColumn<Notice>(row.notice),
    createdAt: new Date(row.created_at),
  });
}

/**
 * Creates `file` readable by its owner only, before SQLite opens it: SQLite would create it 0644
 * (less the umask), and gives the file's WAL and shared-memory files the same mode as the file.
 */
export function createPrivately(file: string): void {
  if (file !== ':memory:') closeSync(openSync(file, 'a', 0o600));
}

/** Opens the live file with the archive attached, both migrated. Exported for the adapter's own tests. */
export function openDatabase(file: string, archiveFile: string): Database.Database {
  createPrivately(file);
  createPrivately(archiveFile);
  const db = new Database(file);
  try {
    db.pragma('busy_timeout = 5000');
    db.prepare('ATTACH DATABASE ? AS archive').run(archiveFile);
    for (const schema of ['main', 'archive']) {
      db.pragma(`${schema}.journal_mode = WAL`);
      db.pragma(`${schema}.synchronous = FULL`);
      // Deleted rows are overwritten with zeros, not left in free pages: "deleted on request" must
      // mean the text cannot be read back from the file.
      db.pragma(`${schema}.secure_delete = ON`);
      // When the WAL starts over after a checkpoint it is cut back to nothing, so frames holding
      // deleted rows do not linger at its end (deletions also truncate it at once: walScrubber).
      db.pragma(`${schema}.journal_size_limit = 0`);
    }
    db.pragma('foreign_keys = ON');
    migrate(db, 'main', LIVE_MIGRATIONS);
    migrate(db, 'archive', ARCHIVE_MIGRATIONS);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

function prepareStatements(db: Database.Database) {
  const conversationColumns = CONVERSATION_COLUMNS;
  return {
    insertConversation: db.prepare(
      `INSERT INTO conversations (${conversationColumns}) VALUES (@id, @botId, @visitorId, @origin, @now, @now, 0, '{}', @subject, @locale, '[]', '[]')`,
    ),
    getConversation: db.prepare<[string], ConversationRow>(`SELECT ${conversationColumns} FROM conversations WHERE id = ?`),
    existsAnywhere: db.prepare<[string, string], { n: number }>(
      'SELECT (SELECT count(*) FROM main.conversations WHERE id = ?) + (SELECT count(*) FROM archive.conversations WHERE id = ?) AS n',
    ),
    updateState: db.prepare('UPDATE conversations SET state = ? WHERE id = ?'),
    updateHandover: db.prepare('UPDATE conversations SET handover = ? WHERE id = ?'),
    updateActivity: db.prepare('UPDATE conversations SET last_activity_at = ? WHERE id = ?'),
    // Once signed in to, a conversation stays that person's.
    updateSubject: db.prepare('UPDATE conversations SET subject = ? WHERE id = ? AND subject IS NULL'),
    allocateMessageId: db.prepare<[number, string], { id: number; bot_id: string }>(
      `UPDATE conversations SET next_message_id = next_message_id + 1, last_activity_at = max(last_activity_at, ?)
       WHERE id = ? RETURNING next_message_id - 1 AS id, bot_id`,
    ),
    insertMessage: db.prepare(
      `INSERT INTO messages (${MESSAGE_COLUMNS}, turn, reply_to)
       VALUES (@conversationId, @id, @clientId, @sender, @text, @quickReplies, @links, @createdAt, @author, @notice, @turn, @replyTo)`,
    ),
    turnOf: db.prepare<[string, number], { turn: string | null }>('SELECT turn FROM messages WHERE conversation_id = ? AND id = ?'),
    nextTurn: db.prepare<[string], { id: number; turn: string }>(
      'SELECT id, turn FROM messages WHERE conversation_id = ? AND turn IS NOT NULL ORDER BY id LIMIT 1',
    ),
    pendingTurnConversations: db.prepare<[number], { conversation_id: string }>(PENDING_TURN_CONVERSATIONS),
    repliesTo: db.prepare<[string, number], MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE conversation_id = ? AND reply_to = ? ORDER BY id`,
    ),
    // Done: the pending input goes, what the turn did stays with the message.
    markTurnDone: db.prepare<[{ conversationId: string; id: number; intent: string | null; outcome: string }]>(
      'UPDATE messages SET turn = NULL, intent = @intent, outcome = @outcome WHERE conversation_id = @conversationId AND id = @id',
    ),
    botOf: db.prepare<[string], { bot_id: string }>('SELECT bot_id FROM conversations WHERE id = ?'),
    reachedOf: db.prepare<[string], { intents: string; outcomes: string }>('SELECT intents, outcomes FROM conversations WHERE id = ?'),
    recordReached: db.prepare<[{ id: string; intents: string; outcomes: string; locale: string | null }]>(
      'UPDATE conversations SET intents = @intents, outcomes = @outcomes, locale = coalesce(@locale, locale) WHERE id = @id',
    ),
    turnMeta: db.prepare<[string], { id: number; outcome: MessageOutcome; intent: string | null; created_at: number }>(
      'SELECT id, outcome, intent, created_at FROM messages WHERE conversation_id = ? AND outcome IS NOT NULL ORDER BY id',
    ),
    messageByClientId: db.prepare<[string, string], MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE conversation_id = ? AND client_id = ?`,
    ),
    messageById: db.prepare<[string, number], MessageRow>(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE conversation_id = ? AND id = ?`),
    listMessages: db.prepare<[string, number, number], MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE conversation_id = ? AND id > ? ORDER BY id LIMIT ?`,
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
    deleteArchivedNotes: db.prepare(
      'DELETE FROM archive.handover_notes WHERE handover_id IN (SELECT id FROM archive.handovers WHERE conversation_id = ?)',
    ),
    deleteArchivedHandovers: db.prepare('DELETE FROM archive.handovers WHERE conversation_id = ?'),
    ownedAnywhere: db.prepare<[ConversationOwner & { id: string }], { owned: number }>(
      `SELECT EXISTS (SELECT 1 FROM main.conversations WHERE id = @id AND bot_id = @botId AND visitor_id = @visitorId)
           OR EXISTS (SELECT 1 FROM archive.conversations WHERE id = @id AND bot_id = @botId AND visitor_id = @visitorId) AS owned`,
    ),
    // A message whose bot turn is still pending stays until that turn has answered it.
    clearMessages: db.prepare('DELETE FROM main.messages WHERE conversation_id = ? AND turn IS NULL'),
    clearValues: db.prepare('DELETE FROM main.collected_values WHERE conversation_id = ?'),
    // Handover records are metadata and stay; their text goes (an open handover's notes once it closes).
    clearNotes: db.prepare(
      `DELETE FROM main.handover_notes WHERE handover_id IN
       (SELECT id FROM main.handovers WHERE conversation_id = ? AND state NOT IN ('waiting', 'assigned'))`,
    ),
    clearHandoverTexts: db.prepare(
      `UPDATE main.handovers SET resolution_note = NULL, rating_comment = NULL
       WHERE conversation_id = ? AND (resolution_note IS NOT NULL OR rating_comment IS NOT NULL)`,
    ),
    ping: db.prepare<[], { one: number }>('SELECT 1 AS one'),
  };
}

export interface SqliteStoreOptions {
  /** Where archived conversations go; defaults to `<name>-archive.db` beside `file`. */
  archiveFile?: string;
  /**
   * Erasure: called with the ids of conversations about to be removed (deleted, swept, expired
   * from the archive), before their rows go. The sealed store passes the keyring's destroy().
   */
  beforeRemoval?: (ids: string[]) => Promise<void>;
}

/**
 * What removes deleted text from the files: a checkpoint that copies the WALs into the database
 * files and truncates them to nothing. secure_delete zeroes deleted rows in the pages, but until a
 * checkpoint the WAL still holds the frames that wrote them (and the database file the old pages).
 * Call the returned function after every removal; a checkpoint another connection's reader held up
 * is owed and retried on the next call.
 */
function walScrubber(db: Database.Database): (removedAnything: boolean) => void {
  let owed = false;
  return (removedAnything) => {
    if (!removedAnything && !owed) return;
    owed = false;
    for (const schema of ['main', 'archive']) {
      const [result] = db.pragma(`${schema}.wal_checkpoint(TRUNCATE)`) as Array<{ busy: number }>;
      if (result?.busy) owed = true;
    }
  };
}

export async function openSqliteStore(file: string, opts: SqliteStoreOptions = {}): Promise<Store> {
  const db = openDatabase(file, opts.archiveFile ?? defaultArchiveFile(file));
  const sql = prepareStatements(db);

  const scrub = walScrubber(db);
  const reports = sqliteReports(db);
  const enqueue = sqliteOutbox(db);
  const handovers = sqliteHandovers(db, reports.add, enqueue);

  const append = db.transaction((input: NewMessage & { turn?: TurnRequest; replyTo?: number }): AppendResult => {
    const conversationId = idString(input.conversationId);
    const clientId = input.clientId === null ? null : idString(input.clientId);
    if (clientId !== null) {
      const existing = sql.messageByClientId.get(conversationId, clientId);
      if (existing) return { message: messageFromRow(existing), created: false };
    }
    const createdAt = checkDate('now', input.now ?? new Date()).getTime();
    const sender = checkSender(input.sender);
    const { author, notice } = messageExtras(sender, input);
    const allocated = sql.allocateMessageId.get(createdAt, conversationId);
    if (!allocated) throw storeError('unknown_conversation', 'no such conversation');
    const quickReplies = pickQuickReplies(input.quickReplies);
    const links = pickLinks(input.links);
    sql.insertMessage.run({
      conversationId,
      id: allocated.id,
      clientId,
      sender,
      text: String(input.text),
      quickReplies: quickReplies && JSON.stringify(quickReplies),
      links: links && JSON.stringify(links),
      author,
      notice: notice && JSON.stringify(notice),
      createdAt,
      turn: input.turn ? JSON.stringify(turnRequest(input.turn)) : null,
      replyTo: input.replyTo ?? null,
    });
    reports.add(messageStored(allocated.bot_id, sender, new Date(createdAt)));
    const stored = sql.messageById.get(conversationId, allocated.id);
    if (!stored) throw new Error('message vanished inside its own transaction');
    return { message: messageFromRow(stored), created: true };
  });

  const appendGrouped = groupCommit(db, append);

  const complete = db.transaction((conversationId: string, messageId: number, outcome: TurnOutcome): ChatMessage[] => {
    const pending = sql.turnOf.get(conversationId, messageId);
    if (!pending) return [];
    if (pending.turn === null) return sql.repliesTo.all(conversationId, messageId).map(messageFromRow);
    const now = checkDate('now', outcome.now ?? new Date());
    const replies = outcome.replies.map(
      (reply) => append({ ...reply, conversationId, clientId: null, replyTo: messageId, now }).message,
    );
    for (const value of outcome.values) {
      sql.upsertValue.run(conversationId, String(value.key), String(value.value), checkPii(value.pii), now.getTime());
    }
    if (outcome.handover) {
      const { id, source, events } = outcome.handover;
      // Its event belongs to the turn that opens it; a handover found open was told of when it opened.
      if (handovers.open(newHandover({ id, source, conversationId, now })).created) enqueue(events);
    }
    enqueue(outcome.events);
    update(conversationId, { state: outcome.state, lastActivityAt: now });
    const meta = turnMeta(outcome.meta);
    recordReached(conversationId, meta, locale(outcome.locale));
    sql.markTurnDone.run({ conversationId, id: messageId, ...meta });
    const bot = sql.botOf.get(conversationId);
    if (bot) reports.add(turnCompleted(bot.bot_id, now, { ...meta, nearest: outcome.meta.nearest }));
    return replies;
  });

  /** Adds what a turn reached to the conversation's intents and outcomes (each once), and its language. */
  const recordReached = (id: string, meta: ReturnType<typeof turnMeta>, language: string | null): void => {
    const row = sql.reachedOf.get(id);
    if (!row) return;
    const intents = parseJsonColumn<string[]>(row.intents) ?? [];
    const outcomes = parseJsonColumn<string[]>(row.outcomes) ?? [];
    sql.recordReached.run({
      id,
      intents: JSON.stringify(meta.intent === null ? intents : addOnce(intents, meta.intent)),
      outcomes: JSON.stringify(addOnce(outcomes, meta.outcome)),
      locale: language,
    });
  };
  // Turns of different conversations finishing at once share one commit (one fsync), as appends do.
  const completeGrouped = groupCommit(db, (turn: { conversationId: string; messageId: number; outcome: TurnOutcome }) =>
    complete(turn.conversationId, turn.messageId, turn.outcome),
  );
  // One process owns an SQLite file, so a lease need not outlive this process (nor be written to
  // it: a synced write per turn cost a third of the throughput); a killed run's leases die with it.
  const leases = new Map<string, { owner: string; until: number }>();

  const update = db.transaction(
    (id: string, patch: { state?: Record<string, unknown>; handover?: boolean; lastActivityAt?: Date; subject?: string }) => {
      if (patch.state !== undefined) sql.updateState.run(JSON.stringify(patch.state), id);
      if (patch.handover !== undefined) sql.updateHandover.run(patch.handover ? 1 : 0, id);
      if (patch.lastActivityAt !== undefined) sql.updateActivity.run(checkDate('lastActivityAt', patch.lastActivityAt).getTime(), id);
      if (patch.subject !== undefined) sql.updateSubject.run(String(patch.subject), id);
    },
  );

  const remove = db.transaction((id: string, owner: ConversationOwner | undefined): boolean => {
    if (owner && sql.ownedAnywhere.get({ id, botId: idString(owner.botId), visitorId: idString(owner.visitorId) })?.owned !== 1) {
      return false;
    }
    // Messages, values, handovers and their notes follow by ON DELETE CASCADE.
    const live = sql.deleteLive.run(id).changes;
    const archived = sql.deleteArchivedConversation.run(id).changes;
    sql.deleteArchivedMessages.run(id);
    sql.deleteArchivedValues.run(id);
    sql.deleteArchivedNotes.run(id);
    sql.deleteArchivedHandovers.run(id);
    return live + archived > 0;
  });

  const clear = db.transaction(
    (id: string): number =>
      sql.clearMessages.run(id).changes + sql.clearValues.run(id).changes + sql.clearNotes.run(id).changes + sql.clearHandoverTexts.run(id).changes,
  );

  const create = db.transaction((input: NewConversation): ConversationRow => {
    const id = idString(input.id);
    if ((sql.existsAnywhere.get(id, id)?.n ?? 0) > 0) {
      throw storeError('duplicate_conversation', 'a conversation with this id exists');
    }
    const botId = idString(input.botId);
    const now = checkDate('now', input.now ?? new Date());
    sql.insertConversation.run({
      id,
      botId,
      visitorId: idString(input.visitorId),
      origin: String(input.origin),
      locale: locale(input.locale),
      now: now.getTime(),
      subject: input.subject === undefined ? null : String(input.subject),
    });
    reports.add(conversationStarted(botId, now));
    const row = sql.getConversation.get(id);
    if (!row) throw new Error('conversation vanished after insert');
    return row;
  });

  const beforeRemoval = opts.beforeRemoval ?? (async () => undefined);
  const sweep = createSqliteSweep(db, scrub, beforeRemoval);
  const browseConversations = sqliteBrowse(db);

  let closed = false;

  return {
    kind: 'sqlite',
    ...sqliteConsoleStore(db),
    ...handovers.store,
    ...sqliteDataProtection(db),
    ...reports.store,
    ...sqliteWebhooks(db),

    async createConversation(input: NewConversation): Promise<Conversation> {
      return toConversation(create(input));
    },

    async getConversation(id: string): Promise<Conversation | null> {
      const row = sql.getConversation.get(idString(id));
      return row ? toConversation(row) : null;
    },

    async updateConversation(id, patch): Promise<void> {
      update(idString(id), patch);
    },

    appendMessage: appendGrouped,
    appendVisitorMessage: appendGrouped,

    async nextTurn(conversationId: string): Promise<PendingTurn | null> {
      const id = idString(conversationId);
      const row = sql.nextTurn.get(id);
      if (!row) return null;
      return { conversationId: id, messageId: row.id, ...turnRequest(JSON.parse(row.turn)) };
    },

    async conversationsWithPendingTurns(limit: number): Promise<string[]> {
      return sql.pendingTurnConversations.all(checkLimit(limit)).map((row) => row.conversation_id);
    },

    async completeTurn(conversationId, messageId, outcome): Promise<ChatMessage[]> {
      turnMeta(outcome.meta); // a bad one fails before the turn joins a group commit
      locale(outcome.locale);
      checkEvents(outcome.events);
      checkEvents(outcome.handover?.events);
      return completeGrouped({ conversationId: idString(conversationId), messageId: checkAfter(messageId), outcome });
    },

    async listTurnMeta(conversationId: string): Promise<StoredTurnMeta[]> {
      return sql.turnMeta.all(idString(conversationId)).map((row) => ({
        messageId: row.id,
        outcome: row.outcome,
        intent: row.intent,
        at: new Date(row.created_at),
      }));
    },

    async lease(name, owner, nowMs, untilMs): Promise<boolean> {
      const held = leases.get(String(name));
      if (held && held.owner !== String(owner) && held.until > nowMs) return false;
      leases.set(String(name), { owner: String(owner), until: untilMs });
      return true;
    },

    async release(name, owner): Promise<void> {
      if (leases.get(String(name))?.owner === String(owner)) leases.delete(String(name));
    },

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

    async deleteConversation(id: string, owner?: ConversationOwner): Promise<boolean> {
      const conversationId = idString(id);
      if (owner && sql.ownedAnywhere.get({ id: conversationId, botId: idString(owner.botId), visitorId: idString(owner.visitorId) })?.owned !== 1) {
        return false;
      }
      await beforeRemoval([conversationId]);
      const removed = remove.immediate(conversationId, owner);
      scrub(removed);
      return removed;
    },

    async clearConversation(id: string): Promise<void> {
      scrub(clear.immediate(idString(id)) > 0);
    },

    sweep,
    browseConversations,

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
