// The MongoDB store's sealable documents (rows.ts), live and archived, over a connection of their
// own: the migration at start, and the backup check on a database restored from a mongodump. Read
// in `_id` order, written back only where the document still holds what was read.
import mongoose from 'mongoose';
import type { QuickReply } from '../../../common/wire.ts';
import type { TurnRequest } from '../store.ts';
import { parseJsonColumn } from '../rows.ts';
import type { RowSource, SealableRow, SealableRows, StoredRow } from './rows.ts';
import { SEALED_PREFIX } from './cipher.ts';
import { secretsFromJson, secretsToJson } from '../webhook-arguments.ts';
import { webhookKeyOwner } from './webhooks.ts';

type Doc = Record<string, unknown> & { _id: unknown };

/** `only`: which documents hold sealable values (all when absent). */
function source(
  db: mongoose.mongo.Db,
  name: string,
  collection: string,
  toRow: (doc: Doc) => SealableRow,
  toFields: (row: SealableRow) => Record<string, unknown>,
  only: mongoose.mongo.Filter<mongoose.mongo.Document> = {},
): RowSource {
  const docs = db.collection(collection);
  return {
    name,
    async read(after, limit) {
      const last = after === null ? null : ((after as StoredRow).ref as Doc);
      const filter: mongoose.mongo.Filter<mongoose.mongo.Document> = { ...only, ...(last ? { _id: { $gt: last._id as mongoose.mongo.ObjectId } } : {}) };
      const found = await docs.find(filter).sort({ _id: 1 }).limit(limit).toArray();
      return found.map((doc) => ({ ...toRow(doc as Doc), ref: doc }));
    },
    async write(changes) {
      let written = 0;
      for (const { was, now } of changes) {
        const old = was.ref as Doc;
        const fields = toFields(now);
        // Matched on the fields as read (a missing one as null, which matches missing).
        const filter = { _id: old._id, ...Object.fromEntries(Object.keys(fields).map((f) => [f, old[f] ?? null])) } as mongoose.mongo.Filter<mongoose.mongo.Document>;
        const set = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
        written += (await docs.updateOne(filter, { $set: set })).matchedCount;
      }
      return written;
    },
  };
}

type Prefix = '' | 'archived_';
const labelIn = (prefix: Prefix) => (what: string) => (prefix ? `archived ${what}` : what);

/** The live or archived handovers; `only`: which of them. */
function handoverSource(db: mongoose.mongo.Db, prefix: Prefix, only?: mongoose.mongo.Filter<mongoose.mongo.Document>): RowSource {
  return source(
    db,
    labelIn(prefix)('handovers'),
    `${prefix}handovers`,
    (doc) => ({
      kind: 'handover',
      conversationId: String(doc.conversationId),
      resolutionNote: typeof doc.resolutionNote === 'string' ? doc.resolutionNote : null,
      ratingComment: typeof doc.ratingComment === 'string' ? doc.ratingComment : null,
    }),
    (row) => (row.kind === 'handover' ? { resolutionNote: row.resolutionNote, ratingComment: row.ratingComment } : {}),
    only,
  );
}

function sourcesOf(db: mongoose.mongo.Db, prefix: Prefix): RowSource[] {
  const label = labelIn(prefix);
  return [
    source(
      db,
      label('conversations'),
      `${prefix}conversations`,
      (doc) => ({ kind: 'conversation', conversationId: String(doc._id), state: parseJsonColumn<Record<string, unknown>>(String(doc.state ?? '{}')) ?? {} }),
      (row) => ({ state: row.kind === 'conversation' ? JSON.stringify(row.state) : undefined }),
    ),
    source(
      db,
      label('messages'),
      `${prefix}messages`,
      (doc) => ({
        kind: 'message',
        conversationId: String(doc.conversationId),
        text: String(doc.text ?? ''),
        quickReplies: Array.isArray(doc.quickReplies) && doc.quickReplies.length > 0 ? (doc.quickReplies as QuickReply[]) : undefined,
        turn: typeof doc.turn === 'string' ? parseJsonColumn<TurnRequest>(doc.turn) : null,
      }),
      (row) =>
        row.kind === 'message'
          ? {
              text: row.text,
              ...(row.quickReplies ? { quickReplies: row.quickReplies } : {}),
              ...(row.turn ? { turn: JSON.stringify(row.turn) } : {}),
            }
          : {},
    ),
    source(
      db,
      label('collected values'),
      `${prefix}collected_values`,
      (doc) => ({ kind: 'value', conversationId: String(doc.conversationId), key: String(doc.key), value: String(doc.value ?? '') }),
      (row) => ({ value: row.kind === 'value' ? row.value : undefined }),
    ),
    handoverSource(db, prefix),
    source(
      db,
      label('handover notes'),
      `${prefix}handover_notes`,
      (doc) => ({ kind: 'note', conversationId: String(doc.conversationId), text: String(doc.text ?? '') }),
      (row) => ({ text: row.kind === 'note' ? row.text : undefined }),
    ),
  ];
}

/** Webhooks' documents: pending delivery bodies (named by the adapter at open: mongo-outbox.ts), signing secrets. */
function webhookSourcesOf(db: mongoose.mongo.Db): RowSource[] {
  return [
    source(
      db,
      'webhook deliveries',
      'webhook_deliveries',
      (doc) => ({ kind: 'delivery', conversationId: String(doc.conversationId), payload: String(doc.payload) }),
      (row) => ({ payload: row.kind === 'delivery' ? row.payload : undefined }),
      { state: 'pending', payload: { $type: 'string' }, conversationId: { $type: 'string' } },
    ),
    source(
      db,
      'webhooks',
      'webhooks',
      (doc) => ({ kind: 'webhook', conversationId: webhookKeyOwner(String(doc._id)), secrets: secretsFromJson(String(doc.secrets)) }),
      (row) => ({ secrets: row.kind === 'webhook' ? secretsToJson(row.secrets) : undefined }),
    ),
  ];
}

/** The documents of the MongoDB store at `uri`, over a connection of their own. */
export async function mongoRows(uri: string): Promise<SealableRows> {
  const conn = await mongoose.createConnection(uri, /[?&]serverSelectionTimeoutMS=/i.test(uri) ? {} : { serverSelectionTimeoutMS: 10_000 }).asPromise();
  const db = conn.db!;
  return {
    sources: [...sourcesOf(db, ''), ...sourcesOf(db, 'archived_')],
    webhookSources: webhookSourcesOf(db),
    emptyNoteSources: (['', 'archived_'] as const).map((prefix) =>
      handoverSource(db, prefix, { resolutionNote: '', $or: [{ ratingComment: null }, { ratingComment: { $regex: `^${SEALED_PREFIX}` } }] }),
    ),
    close: () => conn.close(),
  };
}
