// The console contract on the MongoDB adapter, against FerretDB (started here) or the MongoDB that
// MONGODB_URI names; each test opens the store on a fresh database. Plus what only the documents
// show: tokens stored as hashes only.
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMongoStore } from './mongo.ts';
import { runConsoleContract, storeSessionAndLink } from './console-contract.ts';
import { startMongoServer, type MongoServer } from '../../test/helpers/mongodb.ts';

let server: MongoServer;
beforeAll(async () => {
  server = await startMongoServer();
});
afterAll(() => server?.stop());

runConsoleContract('MongoDB console contract', () => openMongoStore(server.freshDatabaseUri()));

describe('MongoDB console store documents', () => {
  it('keeps session and one-time tokens only as hashes: no document holds a token', async () => {
    const uri = server.freshDatabaseUri();
    const store = await openMongoStore(uri);
    let stored: Awaited<ReturnType<typeof storeSessionAndLink>>;
    try {
      stored = await storeSessionAndLink(store);
    } finally {
      await store.close();
    }
    const conn = await mongoose.createConnection(uri).asPromise();
    try {
      const everything: unknown[] = [];
      for (const { name } of await conn.db!.listCollections().toArray()) {
        everything.push(...(await conn.db!.collection(name).find({}).toArray()));
      }
      const dump = JSON.stringify(everything);
      for (const hash of stored.hashes) expect(dump).toContain(hash); // the dump holds what is stored
      for (const token of stored.tokens) expect(dump).not.toContain(token);
    } finally {
      await conn.close();
    }
  });
});
