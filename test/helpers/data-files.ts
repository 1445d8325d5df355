// Looking at stored data the way an operator (or an attacker with a copy of the disk) would: raw
// bytes of every file, file modes, and the archive (SQLite file or MongoDB collections) read with a
// connection of its own, never through the store.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import mongoose from 'mongoose';
import type { ArchivedCopy } from '../../server/store/store-contract.ts';
import type { ArchivedHandovers } from '../../server/store/handover-contract.ts';
import { openKeyring, type StoreConfig } from '../../server/store/index.ts';
import { generationOf, open } from '../../server/store/sealing/cipher.ts';
import { FIELD } from '../../server/store/sealing/fields.ts';

/**
 * The names of the files in `dir` whose bytes contain `text` (WAL, shared memory and archive
 * included); with `deep`, files in its subdirectories too, named by their path under `dir`.
 */
export function filesContaining(dir: string, text: string | Buffer, deep = false): string[] {
  const needle = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  return readdirSync(dir, { recursive: deep, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .filter((name) => readFileSync(path.join(dir, name)).includes(needle));
}

/** Permission bits of `dir` itself (as `.`) and of every entry in it. */
export function modesIn(dir: string): Record<string, number> {
  const modes: Record<string, number> = { '.': statSync(dir).mode & 0o777 };
  for (const name of readdirSync(dir)) modes[name] = statSync(path.join(dir, name)).mode & 0o777;
  return modes;
}

/** What the SQLite archive file holds for one conversation, read without the store. */
export function readSqliteArchive(archiveFile: string) {
  return async (conversationId: string): Promise<ArchivedCopy> => {
    const db = new Database(archiveFile, { readonly: true });
    try {
      const conversation = db.prepare('SELECT 1 FROM conversations WHERE id = ?').get(conversationId) !== undefined;
      const messages = db.prepare('SELECT text FROM messages WHERE conversation_id = ? ORDER BY id').pluck().all(conversationId) as string[];
      const values = db
        .prepare("SELECT key || '=' || value FROM collected_values WHERE conversation_id = ? ORDER BY key")
        .pluck()
        .all(conversationId) as string[];
      return { conversation, messages, values };
    } finally {
      db.close();
    }
  };
}

/** What the SQLite archive file holds of one conversation's handovers, read without the store. */
export function readSqliteArchivedHandovers(archiveFile: string) {
  return async (conversationId: string): Promise<ArchivedHandovers> => {
    const db = new Database(archiveFile, { readonly: true });
    try {
      const handovers = db
        .prepare("SELECT id || ':' || state FROM handovers WHERE conversation_id = ? ORDER BY started_at, id")
        .pluck()
        .all(conversationId) as string[];
      const notes = db
        .prepare(
          `SELECT n.text FROM handover_notes n JOIN handovers h ON h.id = n.handover_id
           WHERE h.conversation_id = ? ORDER BY n.created_at, n.id`,
        )
        .pluck()
        .all(conversationId) as string[];
      return { handovers, notes };
    } finally {
      db.close();
    }
  };
}

/** What the archive collections hold of one conversation's handovers, read over a connection of its own. */
export function readMongoArchivedHandovers(uri: string) {
  return async (conversationId: string): Promise<ArchivedHandovers> => {
    const conn = await mongoose.createConnection(uri).asPromise();
    try {
      const db = conn.db!;
      const handovers = await db.collection('archived_handovers').find({ conversationId }).sort({ startedAt: 1, _id: 1 }).toArray();
      const notes = await db.collection('archived_handover_notes').find({ conversationId }).sort({ createdAt: 1, _id: 1 }).toArray();
      return { handovers: handovers.map((h) => `${String(h._id)}:${String(h.state)}`), notes: notes.map((n) => String(n.text)) };
    } finally {
      await conn.close();
    }
  };
}

/** What the archive collections hold for one conversation, read over a connection of its own. */
export function readMongoArchive(uri: string) {
  return async (conversationId: string): Promise<ArchivedCopy> => {
    const conn = await mongoose.createConnection(uri).asPromise();
    try {
      const db = conn.db!;
      const ofConversation = { conversationId };
      const conversation = (await db.collection<{ _id: string }>('archived_conversations').countDocuments({ _id: conversationId })) > 0;
      const messages = await db.collection('archived_messages').find(ofConversation).sort({ id: 1 }).toArray();
      const values = await db.collection('archived_collected_values').find(ofConversation).sort({ key: 1 }).toArray();
      return {
        conversation,
        messages: messages.map((m) => String(m.text)),
        values: values.map((v) => `${String(v.key)}=${String(v.value)}`),
      };
    } finally {
      await conn.close();
    }
  };
}

type KeyConfig = Pick<StoreConfig, 'storageKeys' | 'keyStore'>;

/**
 * `read`'s copy of one conversation with `openAll` applied, given an opener of its sealed values
 * that holds the keys of the store's key store, as an auditor holding them would.
 */
function openedWith<T>(config: KeyConfig, read: (id: string) => Promise<T>, openAll: (copy: T, openOne: (field: string, value: string) => string) => T) {
  return async (conversationId: string): Promise<T> => {
    const copy = await read(conversationId);
    const keyring = await openKeyring(config);
    try {
      const keys = await keyring.generations(conversationId, [1, 2, 3, 4]);
      return openAll(copy, (field, value) => open(keys.get(generationOf(value) ?? 0)!, field, value));
    } finally {
      await keyring.keyStore.close();
    }
  };
}

/** An archive reader (above) whose sealed texts and values are opened: for comparing what the archive keeps with plain text. */
export function openedArchive(config: KeyConfig, read: (id: string) => Promise<ArchivedCopy>) {
  return openedWith(config, read, (copy, openOne) => ({
    conversation: copy.conversation,
    messages: copy.messages.map((text) => openOne(FIELD.messageText, text)),
    values: copy.values.map((pair) => {
      const [key, ...rest] = pair.split('=');
      return `${key}=${openOne(FIELD.value(key!), rest.join('='))}`;
    }),
  }));
}

/** The same for an archive's handovers (above): their notes opened. */
export function openedArchivedHandovers(config: KeyConfig, read: (id: string) => Promise<ArchivedHandovers>) {
  return openedWith(config, read, (copy, openOne) => ({ handovers: copy.handovers, notes: copy.notes.map((text) => openOne(FIELD.handoverNote, text)) }));
}

/** `collection:_id` of every document, in every collection of the database, whose JSON holds `text`: the archive's included. */
export async function mongoDocumentsContaining(uri: string, text: string): Promise<string[]> {
  const conn = await mongoose.createConnection(uri).asPromise();
  try {
    const db = conn.db!;
    const found: string[] = [];
    for (const { name } of await db.listCollections().toArray()) {
      for (const doc of await db.collection(name).find({}).toArray()) {
        if (JSON.stringify(doc).includes(text)) found.push(`${name}:${String(doc._id)}`);
      }
    }
    return found;
  } finally {
    await conn.close();
  }
}
