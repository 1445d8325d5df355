// The data-protection side of the SQLite adapter (DataProtectionStore, data-protection-store.ts), in
// the tables of live migration 6 and archive migration 4 (sqlite-schema.ts). A conversation is read
// whole inside one read transaction, from the live file or else the archive; a settings version is
// saved by one INSERT under the primary key (bot, version) in an IMMEDIATE transaction that first
// checks it follows the newest.
import type Database from 'better-sqlite3';
import type { BotSettingsRecord, ConversationRecord, DataProtectionStore } from './data-protection-store.ts';
import { botSettingsRecord, idString } from './arguments.ts';
import { parseJsonColumn } from './rows.ts';
import { CONVERSATION_COPY_COLUMNS, HANDOVER_COLUMNS, MESSAGE_COLUMNS, NOTE_COLUMNS } from './sqlite-schema.ts';
import { messageFromRow, type MessageRow, type ValueRow } from './sqlite.ts';
import { toConversation, type ConversationRow } from './sqlite-conversations.ts';
import { handoverFromRow, noteFromRow, type HandoverRow, type NoteRow } from './sqlite-handovers.ts';

interface SettingsRow {
  bot_id: string;
  version: number;
  settings: string;
  saved_at: number;
  saved_by: string;
}

/** The statements that read one conversation's contents out of `schema` (the live file or the archive). */
function contentsOf(db: Database.Database, schema: 'main' | 'archive') {
  return {
    conversation: db.prepare<[string], ConversationRow & { archived_at: number | null }>(
      `SELECT ${CONVERSATION_COPY_COLUMNS}, ${schema === 'archive' ? 'archived_at' : 'NULL AS archived_at'} FROM ${schema}.conversations WHERE id = ?`,
    ),
    messages: db.prepare<[string], MessageRow>(`SELECT ${MESSAGE_COLUMNS} FROM ${schema}.messages WHERE conversation_id = ? ORDER BY id`),
    values: db.prepare<[string], ValueRow>(
      `SELECT key, value, pii, created_at FROM ${schema}.collected_values WHERE conversation_id = ? ORDER BY created_at, rowid`,
    ),
    handovers: db.prepare<[string], HandoverRow>(
      `SELECT ${HANDOVER_COLUMNS} FROM ${schema}.handovers WHERE conversation_id = ? ORDER BY started_at, id`,
    ),
    notes: db.prepare<[string], NoteRow>(`SELECT ${NOTE_COLUMNS} FROM ${schema}.handover_notes WHERE handover_id = ? ORDER BY created_at, rowid`),
  };
}

function prepareStatements(db: Database.Database) {
  return {
    // Live first: a crash between an archive copy and the live delete leaves both, and the live one is current.
    places: [contentsOf(db, 'main'), contentsOf(db, 'archive')],
    ofSubject: db
      .prepare<[{ botId: string; subject: string }], string>(
        `SELECT id FROM (
           SELECT id, created_at FROM main.conversations WHERE bot_id = @botId AND subject = @subject
           UNION SELECT id, created_at FROM archive.conversations WHERE bot_id = @botId AND subject = @subject)
         ORDER BY created_at, id`,
      )
      .pluck(),
    newestSettings: db.prepare<[string], SettingsRow>(
      'SELECT bot_id, version, settings, saved_at, saved_by FROM bot_settings WHERE bot_id = ? ORDER BY version DESC LIMIT 1',
    ),
    insertSettings: db.prepare('INSERT OR IGNORE INTO bot_settings (bot_id, version, settings, saved_at, saved_by) VALUES (?, ?, ?, ?, ?)'),
  };
}

export function sqliteDataProtection(db: Database.Database): DataProtectionStore {
  const sql = prepareStatements(db);

  const read = db.transaction((id: string): ConversationRecord | null => {
    for (const place of sql.places) {
      const row = place.conversation.get(id);
      if (!row) continue;
      return {
        conversation: toConversation(row),
        archivedAt: row.archived_at === null ? null : new Date(row.archived_at),
        messages: place.messages.all(id).map(messageFromRow),
        values: place.values.all(id).map((v) => ({ key: v.key, value: v.value, pii: v.pii, createdAt: new Date(v.created_at) })),
        handovers: place.handovers.all(id).map((h) => ({ handover: handoverFromRow(h), notes: place.notes.all(h.id).map(noteFromRow) })),
      };
    }
    return null;
  });

  const save = db.transaction((record: ReturnType<typeof botSettingsRecord>): boolean => {
    const newest = sql.newestSettings.get(record.botId)?.version ?? 0;
    if (record.version !== newest + 1) return false;
    return sql.insertSettings.run(record.botId, record.version, record.json, record.savedAt.getTime(), record.savedBy).changes === 1;
  });

  return {
    async readConversation(id) {
      return read(idString(id));
    },

    async conversationsOfSubject(botId, subject) {
      return sql.ofSubject.all({ botId: idString(botId), subject: String(subject) });
    },

    async botSettings(botId): Promise<BotSettingsRecord | null> {
      const row = sql.newestSettings.get(idString(botId));
      if (!row) return null;
      return {
        botId: row.bot_id,
        version: row.version,
        settings: parseJsonColumn<Record<string, unknown>>(row.settings) ?? {},
        savedAt: new Date(row.saved_at),
        savedBy: row.saved_by,
      };
    },

    async saveBotSettings(record) {
      return save.immediate(botSettingsRecord(record));
    },
  };
}
