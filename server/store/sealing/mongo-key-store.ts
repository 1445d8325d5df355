// The key store of a MongoDB deployment: a database of its own (KEY_STORE_MONGODB_URI, by default
// the data's server with `_keys` after the database name), which the documented backup
// (`mongodump --db <data database>`) leaves out. One document per data key generation, `_id`
// `<conversation>#<generation>`, so two instances creating the same generation at once get one
// winner from the unique `_id` (FerretDB has no transactions and runs conditional updates as a read
// then a write; an insert under a unique key is what both servers do atomically).
import mongoose from 'mongoose';
import type { KeyStore } from './key-store.ts';
import type { WrappedKey } from './key-wrap.ts';

interface KeyDoc {
  _id: string;
  conversationId: string;
  generation: number;
  kid: string;
  wrapped: mongoose.mongo.Binary | Buffer;
  createdAt: Date;
}

const fromDoc = (doc: KeyDoc): WrappedKey => ({
  conversationId: doc.conversationId,
  generation: doc.generation,
  kid: doc.kid,
  wrapped: Buffer.isBuffer(doc.wrapped) ? doc.wrapped : Buffer.from(doc.wrapped.buffer),
  createdAt: doc.createdAt,
});

const isDuplicateKey = (err: unknown) => (err as { code?: unknown } | null)?.code === 11000;

export async function openMongoKeyStore(uri: string): Promise<KeyStore> {
  const conn = mongoose.createConnection(uri, /[?&]serverSelectionTimeoutMS=/i.test(uri) ? {} : { serverSelectionTimeoutMS: 10_000 });
  try {
    await conn.asPromise();
  } catch (err) {
    await conn.close();
    throw err;
  }
  const db = conn.db!;
  const keys = db.collection<KeyDoc>('data_keys');
  const meta = db.collection<{ _id: string; value: string }>('key_store_meta');
  await keys.createIndex({ conversationId: 1, generation: -1 });
  await keys.createIndex({ kid: 1 });
  const id = (conversationId: string, generation: number) => `${conversationId}#${generation}`;

  return {
    where: `MongoDB database ${db.databaseName}`,
    shared: true,
    async newest(conversationId) {
      const [doc] = await keys.find({ conversationId: String(conversationId) }).sort({ generation: -1 }).limit(1).toArray();
      return doc ? fromDoc(doc) : null;
    },
    async get(conversationId, generation) {
      const doc = await keys.findOne({ _id: id(String(conversationId), generation) });
      return doc ? fromDoc(doc) : null;
    },
    async insert(key) {
      try {
        await keys.insertOne({ _id: id(key.conversationId, key.generation), ...key });
        return true;
      } catch (err) {
        if (isDuplicateKey(err)) return false;
        throw err;
      }
    },
    async destroy(ids, keepFrom) {
      if (ids.length === 0) return;
      const conversationId = { $in: ids.map(String) };
      await keys.deleteMany(keepFrom === undefined ? { conversationId } : { conversationId, generation: { $lt: keepFrom } });
    },
    async wrappedByOthers(kid, limit) {
      return (await keys.find({ kid: { $ne: kid } }).limit(limit).toArray()).map(fromDoc);
    },
    async rewrap(changes) {
      let replaced = 0;
      for (const { from, to } of changes) {
        const result = await keys.updateOne({ _id: id(to.conversationId, to.generation), kid: from }, { $set: { kid: to.kid, wrapped: to.wrapped } });
        replaced += result.modifiedCount;
      }
      return replaced;
    },
    async kidsInUse() {
      const groups = await keys.aggregate<{ _id: string; count: number }>([{ $group: { _id: '$kid', count: { $sum: 1 } } }]).toArray();
      const inUse = [];
      for (const group of groups.sort((a, b) => a._id.localeCompare(b._id))) {
        const sample = await keys.findOne({ kid: group._id });
        if (sample) inUse.push({ kid: group._id, count: group.count, sample: fromDoc(sample) });
      }
      return inUse;
    },
    async meta(name) {
      return (await meta.findOne({ _id: name }))?.value ?? null;
    },
    async setMeta(name, value) {
      await meta.updateOne({ _id: name }, { $set: { value } }, { upsert: true });
    },
    async ping() {
      try {
        return (await db.command({ ping: 1 })).ok === 1;
      } catch {
        return false;
      }
    },
    async close() {
      await conn.close();
    },
  };
}
