// The store contract on MongoDB. It needs a real server (MONGODB_URI); each test gets its own
// database, dropped afterwards. Without MONGODB_URI the suite is registered as skipped, with the
// reason in its name, so a green run never hides that it did not run.
import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { afterAll, describe } from 'vitest';
import { openMongoStore } from './mongo.ts';
import { runStoreContract, type ArchivedCopy } from './store-contract.ts';

const baseUri = process.env.MONGODB_URI;
const opened: string[] = [];

/** The configured URI with its database name replaced by a fresh one. */
function freshDatabaseUri(uri: string): string {
  const url = new URL(uri);
  const name = `parley_test_${randomBytes(6).toString('hex')}`;
  url.pathname = `/${name}`;
  opened.push(url.toString());
  return url.toString();
}

/** What the archive collections hold for one conversation, read over a connection of its own. */
function readMongoArchive(uri: string) {
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

describe.skipIf(!baseUri)(
  baseUri ? 'MongoDB' : 'MongoDB contract (skipped: MONGODB_URI not set — no MongoDB server on this machine)',
  () => {
    afterAll(async () => {
      for (const uri of opened) {
        const conn = await mongoose.createConnection(uri).asPromise();
        await conn.dropDatabase();
        await conn.close();
      }
    });

    runStoreContract('MongoDB store contract', async () => {
      const uri = freshDatabaseUri(baseUri ?? '');
      return { store: await openMongoStore(uri), readArchive: readMongoArchive(uri) };
    });
  },
);
