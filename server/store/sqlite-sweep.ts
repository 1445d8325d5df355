// Retention on SQLite: one bot's policy applied as of `now`, in steps of at most SWEEP_BATCH rows or
// conversations, each its own transaction, with the event loop free before every step (batches.ts).
// better-sqlite3 is synchronous, so a single DELETE over a year of history would stall every request.
import type Database from 'better-sqlite3';
import type { RetentionPolicy, SweepResult } from './store.ts';
import { checkDate, checkDuration, idString } from './arguments.ts';
import { inBatches, SWEEP_BATCH } from './batches.ts';
import { CONVERSATION_COPY_COLUMNS, HANDOVER_COLUMNS, MESSAGE_COPY_COLUMNS, NOTE_COLUMNS } from './sqlite-schema.ts';

interface Cutoff {
  botId: string;
  cutoff: number;
  batch: number;
}

/** At most one batch of a bot's rows of `table` in `schema` written before the cutoff. */
function expireRows(db: Database.Database, schema: 'main' | 'archive', table: 'messages' | 'collected_values') {
  return db.prepare<[Cutoff]>(
    `DELETE FROM ${schema}.${table} WHERE rowid IN (
       SELECT r.rowid FROM ${schema}.${table} r JOIN ${schema}.conversations c ON c.id = r.conversation_id
       WHERE c.bot_id = @botId AND r.created_at < @cutoff LIMIT @batch)`,
  );
}

/** At most one batch of a bot's handover notes in `schema` written before the cutoff. */
function expireNotes(db: Database.Database, schema: 'main' | 'archive') {
  return db.prepare<[Cutoff]>(
    `DELETE FROM ${schema}.handover_notes WHERE rowid IN (
       SELECT n.rowid FROM ${schema}.handover_notes n JOIN ${schema}.handovers h ON h.id = n.handover_id
       WHERE h.bot_id = @botId AND n.created_at < @cutoff LIMIT @batch)`,
  );
}

/**
 * At most one batch of a bot's handovers in `schema` that ended before the cutoff and still hold
 * text: their resolution note and rating comment are forgotten, the record (metadata) stays.
 */
function forgetHandoverTexts(db: Database.Database, schema: 'main' | 'archive') {
  return db.prepare<[Cutoff]>(
    `UPDATE ${schema}.handovers SET resolution_note = NULL, rating_comment = NULL WHERE rowid IN (
       SELECT rowid FROM ${schema}.handovers WHERE bot_id = @botId AND ended_at < @cutoff
       AND (resolution_note IS NOT NULL OR rating_comment IS NOT NULL) LIMIT @batch)`,
  );
}

function prepareStatements(db: Database.Database) {
  // Ids travel into statements as one JSON array, read back with json_each.
  const listed = 'SELECT value FROM json_each(@ids)';
  const archivedHandoversOf = `SELECT id FROM archive.handovers WHERE conversation_id IN (${listed})`;
  return {
    expireMessages: [expireRows(db, 'main', 'messages'), expireRows(db, 'archive', 'messages')],
    expireValues: [expireRows(db, 'main', 'collected_values'), expireRows(db, 'archive', 'collected_values')],
    // Handover text follows the message TTL: notes, resolution notes, rating comments.
    expireHandoverTexts: [
      expireNotes(db, 'main'),
      expireNotes(db, 'archive'),
      forgetHandoverTexts(db, 'main'),
      forgetHandoverTexts(db, 'archive'),
    ],
    // Idle since the cutoff is inclusive: idle for exactly the period counts.
    idleIds: db
      .prepare<[Cutoff], string>('SELECT id FROM main.conversations WHERE bot_id = @botId AND last_activity_at <= @cutoff LIMIT @batch')
      .pluck(),
    // Messages, values, handovers and notes follow a deleted conversation by ON DELETE CASCADE.
    deleteLive: db.prepare<[{ ids: string }]>(`DELETE FROM main.conversations WHERE id IN (${listed})`),
    archiveConversations: db.prepare<[{ ids: string; now: number }]>(
      `INSERT OR REPLACE INTO archive.conversations (${CONVERSATION_COPY_COLUMNS}, archived_at)
       SELECT ${CONVERSATION_COPY_COLUMNS}, @now FROM main.conversations WHERE id IN (${listed})`,
    ),
    archiveMessages: db.prepare<[{ ids: string }]>(
      `INSERT OR REPLACE INTO archive.messages (${MESSAGE_COPY_COLUMNS})
       SELECT ${MESSAGE_COPY_COLUMNS} FROM main.messages WHERE conversation_id IN (${listed})`,
    ),
    archiveHandovers: db.prepare<[{ ids: string }]>(
      `INSERT OR REPLACE INTO archive.handovers (${HANDOVER_COLUMNS})
       SELECT ${HANDOVER_COLUMNS} FROM main.handovers WHERE conversation_id IN (${listed})`,
    ),
    archiveNotes: db.prepare<[{ ids: string }]>(
      `INSERT OR REPLACE INTO archive.handover_notes (${NOTE_COLUMNS})
       SELECT ${NOTE_COLUMNS} FROM main.handover_notes
       WHERE handover_id IN (SELECT id FROM main.handovers WHERE conversation_id IN (${listed}))`,
    ),
    archiveValues: db.prepare<[{ ids: string }]>(
      `INSERT OR REPLACE INTO archive.collected_values SELECT conversation_id, key, value, pii, created_at
       FROM main.collected_values WHERE conversation_id IN (${listed})`,
    ),
    expiredArchiveIds: db
      .prepare<[Cutoff], string>('SELECT id FROM archive.conversations WHERE bot_id = @botId AND archived_at < @cutoff LIMIT @batch')
      .pluck(),
    deleteArchivedMessages: db.prepare<[{ ids: string }]>(`DELETE FROM archive.messages WHERE conversation_id IN (${listed})`),
    deleteArchivedValues: db.prepare<[{ ids: string }]>(`DELETE FROM archive.collected_values WHERE conversation_id IN (${listed})`),
    deleteArchivedNotes: db.prepare<[{ ids: string }]>(`DELETE FROM archive.handover_notes WHERE handover_id IN (${archivedHandoversOf})`),
    deleteArchivedHandovers: db.prepare<[{ ids: string }]>(`DELETE FROM archive.handovers WHERE conversation_id IN (${listed})`),
    deleteArchived: db.prepare<[{ ids: string }]>(`DELETE FROM archive.conversations WHERE id IN (${listed})`),
  };
}

/**
 * The adapter's sweep. `beforeRemoval(ids)` runs before conversations are removed for good (erasure
 * destroys their keys there); `afterRemoval(removedAnything)` runs once at the end, in the same turn
 * as the last step, so deleted text leaves the WAL before the sweep reports done.
 */
export function createSqliteSweep(
  db: Database.Database,
  afterRemoval: (removedAnything: boolean) => void,
  beforeRemoval: (ids: string[]) => Promise<void>,
) {
  const sql = prepareStatements(db);

  // In WAL mode a transaction spanning two attached files is atomic per file only, so archiving is
  // two transactions: copy (idempotent, INSERT OR REPLACE), then delete from the live file. A crash
  // between them leaves the conversation in both places, and the next sweep finishes the move.
  // Both run in the same step, so no append can land in between.
  const copyToArchive = db.transaction((ids: string, now: number) => {
    sql.archiveConversations.run({ ids, now });
    sql.archiveMessages.run({ ids });
    sql.archiveValues.run({ ids });
    sql.archiveHandovers.run({ ids });
    sql.archiveNotes.run({ ids });
  });
  const deleteLive = db.transaction((ids: string) => sql.deleteLive.run({ ids }).changes);
  const deleteArchived = db.transaction((ids: string) => {
    sql.deleteArchivedMessages.run({ ids });
    sql.deleteArchivedValues.run({ ids });
    sql.deleteArchivedNotes.run({ ids });
    sql.deleteArchivedHandovers.run({ ids });
    return sql.deleteArchived.run({ ids }).changes;
  });

  /**
   * Idle conversations, one batch: archived first when the policy says so, then out of the live
   * file. Deleted ones are erased first; a conversation chosen for that is removed even if a message
   * arrives while its keys go (it is deleted whole, as a visitor's deletion racing a message is).
   */
  const moveIdle = async (cutoff: Cutoff, archive: boolean, now: number): Promise<number> => {
    const idle = sql.idleIds.all(cutoff);
    const ids = JSON.stringify(idle);
    if (archive) copyToArchive.immediate(ids, now);
    else await beforeRemoval(idle);
    return deleteLive.immediate(ids);
  };
  const expireArchived = async (cutoff: Cutoff): Promise<number> => {
    const expired = sql.expiredArchiveIds.all(cutoff);
    await beforeRemoval(expired);
    return deleteArchived.immediate(JSON.stringify(expired));
  };

  return async function sweep(policy: RetentionPolicy, now: Date): Promise<SweepResult> {
    const at = checkDate('now', now).getTime();
    const botId = idString(policy.botId);
    const olderThan = (name: string, ttl: number | undefined): Cutoff | undefined => {
      const ms = checkDuration(name, ttl);
      return ms === undefined ? undefined : { botId, cutoff: at - ms, batch: SWEEP_BATCH };
    };
    const messages = olderThan('messageTtlMs', policy.messageTtlMs);
    const values = olderThan('valueTtlMs', policy.valueTtlMs);
    const idle = olderThan('inactiveAfterMs', policy.inactiveAfterMs);
    const archived = olderThan('archiveTtlMs', policy.archiveTtlMs);

    const result: SweepResult = {
      messagesDeleted: 0,
      valuesDeleted: 0,
      conversationsArchived: 0,
      conversationsDeleted: 0,
      archivedConversationsDeleted: 0,
      handoverTextsDeleted: 0,
    };
    // Message and value TTLs reach archived copies too: retention is a promise about the data.
    for (const expire of messages ? sql.expireMessages : []) result.messagesDeleted += await inBatches(() => expire.run(messages!).changes);
    for (const expire of values ? sql.expireValues : []) result.valuesDeleted += await inBatches(() => expire.run(values!).changes);
    for (const expire of messages ? sql.expireHandoverTexts : []) {
      result.handoverTextsDeleted += await inBatches(() => expire.run(messages!).changes);
    }
    if (idle) {
      const moved = await inBatches(() => moveIdle(idle, policy.archive === true, at));
      if (policy.archive) result.conversationsArchived = moved;
      else result.conversationsDeleted = moved;
    }
    if (archived) result.archivedConversationsDeleted = await inBatches(() => expireArchived(archived));
    afterRemoval(Object.values(result).some((n) => n > 0));
    return result;
  };
}
