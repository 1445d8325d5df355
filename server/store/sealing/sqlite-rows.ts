// The SQLite files' sealable rows (rows.ts), live and archived, over a connection of their own:
// the migration runs before the adapter opens, the backup check on a copy of a backup. Read by
// rowid, written back only where the row still holds what was read.
import type Database from 'better-sqlite3';
import type { QuickReply } from '../../../common/wire.ts';
import type { TurnRequest } from '../store.ts';
import { parseJsonColumn } from '../rows.ts';
import { defaultArchiveFile, openDatabase } from '../sqlite.ts';
import type { RowSource, SealableRow, SealableRows, StoredRow } from './rows.ts';
import { SEALED_PREFIX } from './cipher.ts';
import { secretsFromJson, secretsToJson } from '../webhook-arguments.ts';
import { webhookKeyOwner } from './webhooks.ts';

type Schema = 'main' | 'archive';

interface Ref {
  rowid: number;
  /** The columns as read, for the write's condition. */
  columns: Record<string, string | null>;
}

const refOf = (row: StoredRow) => row.ref as Ref;

/**
 * `computed`: columns read from elsewhere (a note's conversation, through its handover), never
 * written back. `where`: which rows of the table hold sealable values (all when absent).
 */
function source(
  db: Database.Database,
  name: string,
  table: string,
  columns: string[],
  toRow: (c: Record<string, string | null>) => SealableRow,
  toColumns: (row: SealableRow) => Record<string, string | null | undefined>,
  computed: Record<string, string> = {},
  where = 'true',
): RowSource {
  const selected = [...columns, ...Object.entries(computed).map(([alias, expression]) => `${expression} AS ${alias}`)];
  const read = db.prepare<[number, number], Record<string, string | null> & { rowid: number }>(
    `SELECT rowid, ${selected.join(', ')} FROM ${table} WHERE rowid > ? AND (${where}) ORDER BY rowid LIMIT ?`,
  );
  const changed = columns.filter((c) => c !== 'conversation_id' && c !== 'id' && c !== 'key');
  const write = db.prepare(
    `UPDATE ${table} SET ${changed.map((c) => `${c} = @new_${c}`).join(', ')} WHERE rowid = @rowid AND ${changed.map((c) => `${c} IS @old_${c}`).join(' AND ')}`,
  );
  const writeAll = db.transaction((changes: ReadonlyArray<{ was: StoredRow; now: SealableRow }>) => {
    let written = 0;
    for (const { was, now } of changes) {
      const { rowid, columns: old } = refOf(was);
      const next = toColumns(now);
      written += write.run({
        rowid,
        ...Object.fromEntries(changed.map((c) => [`old_${c}`, old[c] ?? null])),
        ...Object.fromEntries(changed.map((c) => [`new_${c}`, next[c] ?? null])),
      }).changes;
    }
    return written;
  });
  return {
    name,
    async read(after, limit) {
      return read.all(after === null ? 0 : refOf(after as StoredRow).rowid, limit).map(({ rowid, ...c }) => ({ ...toRow(c), ref: { rowid, columns: c } satisfies Ref }));
    },
    async write(changes) {
      return changes.length > 0 ? writeAll.immediate(changes) : 0;
    },
  };
}

const labelIn = (schema: Schema) => (what: string) => (schema === 'main' ? what : `archived ${what}`);

/** A schema's handovers; `where`: which of them. */
function handoverSource(db: Database.Database, schema: Schema, where?: string): RowSource {
  return source(
    db,
    labelIn(schema)('handovers'),
    `${schema}.handovers`,
    ['conversation_id', 'resolution_note', 'rating_comment'],
    (c) => ({ kind: 'handover', conversationId: c.conversation_id!, resolutionNote: c.resolution_note ?? null, ratingComment: c.rating_comment ?? null }),
    (row) => (row.kind === 'handover' ? { resolution_note: row.resolutionNote, rating_comment: row.ratingComment } : {}),
    {},
    where,
  );
}

function sourcesOf(db: Database.Database, schema: Schema): RowSource[] {
  const label = labelIn(schema);
  return [
    source(
      db,
      label('conversations'),
      `${schema}.conversations`,
      ['id', 'state'],
      (c) => ({ kind: 'conversation', conversationId: c.id!, state: parseJsonColumn<Record<string, unknown>>(c.state ?? null) ?? {} }),
      (row) => ({ state: row.kind === 'conversation' ? JSON.stringify(row.state) : null }),
    ),
    source(
      db,
      label('messages'),
      `${schema}.messages`,
      schema === 'main' ? ['conversation_id', 'text', 'quick_replies', 'turn'] : ['conversation_id', 'text', 'quick_replies'],
      (c) => ({
        kind: 'message',
        conversationId: c.conversation_id!,
        text: c.text!,
        quickReplies: parseJsonColumn<QuickReply[]>(c.quick_replies ?? null) ?? undefined,
        turn: parseJsonColumn<TurnRequest>(c.turn ?? null),
      }),
      (row) =>
        row.kind === 'message'
          ? { text: row.text, quick_replies: row.quickReplies ? JSON.stringify(row.quickReplies) : null, turn: row.turn && JSON.stringify(row.turn) }
          : {},
    ),
    source(
      db,
      label('collected values'),
      `${schema}.collected_values`,
      ['conversation_id', 'key', 'value'],
      (c) => ({ kind: 'value', conversationId: c.conversation_id!, key: c.key!, value: c.value! }),
      (row) => ({ value: row.kind === 'value' ? row.value : null }),
    ),
    handoverSource(db, schema),
    source(
      db,
      label('handover notes'),
      `${schema}.handover_notes`,
      ['text'],
      (c) => ({ kind: 'note', conversationId: c.conversation_id!, text: c.text! }),
      (row) => ({ text: row.kind === 'note' ? row.text : null }),
      // Notes name their handover; the handover names the conversation whose key seals them.
      { conversation_id: `(SELECT h.conversation_id FROM ${schema}.handovers h WHERE h.id = handover_id)` },
    ),
  ];
}

/** Webhooks' rows (live only: nothing of webhooks is archived): pending delivery bodies, signing secrets. */
function webhookSourcesOf(db: Database.Database): RowSource[] {
  return [
    source(
      db,
      'webhook deliveries',
      'main.webhook_deliveries',
      ['conversation_id', 'payload'],
      (c) => ({ kind: 'delivery', conversationId: c.conversation_id!, payload: c.payload! }),
      (row) => ({ payload: row.kind === 'delivery' ? row.payload : null }),
      {},
      'payload IS NOT NULL AND conversation_id IS NOT NULL',
    ),
    source(
      db,
      'webhooks',
      'main.webhooks',
      ['id', 'secrets'],
      (c) => ({ kind: 'webhook', conversationId: webhookKeyOwner(c.id!), secrets: secretsFromJson(c.secrets!) }),
      (row) => ({ secrets: row.kind === 'webhook' ? secretsToJson(row.secrets) : null }),
    ),
  ];
}

/** The rows of the SQLite store at `file` (and its archive beside it), over a connection of their own. */
export function sqliteRows(file: string, archiveFile = defaultArchiveFile(file)): SealableRows {
  const db = openDatabase(file, archiveFile);
  return {
    sources: [...sourcesOf(db, 'main'), ...sourcesOf(db, 'archive')],
    webhookSources: webhookSourcesOf(db),
    emptyNoteSources: (['main', 'archive'] as const).map((schema) =>
      handoverSource(db, schema, `resolution_note = '' AND (rating_comment IS NULL OR rating_comment LIKE '${SEALED_PREFIX}%')`),
    ),
    async close() {
      // What was rewritten leaves the WAL now, as deletions do: the clear text is gone from the files.
      db.pragma('main.wal_checkpoint(TRUNCATE)');
      db.pragma('archive.wal_checkpoint(TRUNCATE)');
      db.close();
    },
  };
}
