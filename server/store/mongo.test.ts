// The store contract on the MongoDB adapter, against a real MongoDB-protocol server: FerretDB
// (started here; `bash e2e/peers/ferretdb/build.sh` builds it) or, when MONGODB_URI is set, that
// MongoDB. Each test opens the store on its own fresh database.
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from './store.ts';
import { CONNECTION_OPTIONS, openMongoStore } from './mongo.ts';
import { defineModels } from './mongo-models.ts';
import { runStoreContract } from './store-contract.ts';
import { runTurnContract } from './turns-contract.ts';
import { runTurnMetaContract } from './turn-meta-contract.ts';
import { lease, release, take } from './mongo-leases.ts';
import { startMongoServer, type MongoServer } from '../../test/helpers/mongodb.ts';
import { readMongoArchive } from '../../test/helpers/data-files.ts';

let server: MongoServer;
beforeAll(async () => {
  server = await startMongoServer();
});
afterAll(() => server?.stop());

runStoreContract('MongoDB store contract', async () => {
  const uri = server.freshDatabaseUri();
  return { store: await openMongoStore(uri), readArchive: readMongoArchive(uri) };
});
runTurnContract('MongoDB turn contract', (): Promise<Store> => openMongoStore(server.freshDatabaseUri()));
runTurnMetaContract('MongoDB turn metadata contract', (): Promise<Store> => openMongoStore(server.freshDatabaseUri()));

describe('the connection refuses operators smuggled into filters (SECURITY-NOTES V8)', () => {
  // The adapter builds filters from String()-coerced ids, so these shapes never reach it from a
  // request; this pins the library-level second line. Both passed through on mongoose before
  // 9.1.6 ($nor, CVE-2026-42334) and 9.9.2 (countDocuments, GHSA-pcrw-h46h-c93h).
  it('a $nor-wrapped operator and an operator in countDocuments match nothing', async () => {
    const conn = await mongoose.createConnection(server.freshDatabaseUri(), CONNECTION_OPTIONS).asPromise();
    try {
      const models = defineModels(conn);
      await Promise.all(Object.values(models).map((model) => model.init()));
      const now = new Date();
      await models.conversations.create({ _id: 'victim', botId: 'demo', visitorId: 'v', origin: 'o', createdAt: now, lastActivityAt: now, state: '{}', nextMessageId: 1 });
      const refusedOrEmpty = (query: Promise<unknown>) => query.catch((err: Error) => `refused: ${err.message}`);
      const smuggled = { $nor: [{ _id: { $ne: 'victim' } }] } as unknown as Record<string, string>;
      expect(await refusedOrEmpty(models.conversations.find(smuggled).lean())).toMatch(/^refused: Cast/);
      expect(await refusedOrEmpty(models.conversations.countDocuments(smuggled))).toMatch(/^refused: Cast/);
      const notEqual = { _id: { $ne: 'nobody' } } as unknown as Record<string, string>;
      expect(await refusedOrEmpty(models.conversations.countDocuments(notEqual))).toMatch(/^refused: Cast/);
      // The plain lookup still works, so the refusals above are about the operators.
      expect(await models.conversations.countDocuments({ _id: 'victim' })).toBe(1);
    } finally {
      await conn.close();
    }
  });
});

describe('MongoDB leases', () => {
  it('a contender whose read of the generations is stale takes nothing, even when the generation it tries has come and gone', async () => {
    const conn = await mongoose.createConnection(server.freshDatabaseUri(), CONNECTION_OPTIONS).asPromise();
    try {
      const models = defineModels(conn);
      await Promise.all(Object.values(models).map((model) => model.init()));
      // b reads "never taken" and stalls; meanwhile a takes generation 1 and gives it back, and c
      // takes generation 2, which clears generation 1 away.
      expect(await lease(models, 'busy', 'a', 1000, 60_000)).toBe(true);
      await release(models, 'busy', 'a');
      expect(await lease(models, 'busy', 'c', 1100, 60_000)).toBe(true);
      // b's insert of generation 1 now meets no document: it must still not count as holding the lease.
      expect(await take(models, 'busy', 1, 'b', 60_000)).toBe(false);
      expect(await lease(models, 'busy', 'c', 1200, 60_000)).toBe(true); // c still holds it
      expect(await lease(models, 'busy', 'b', 1200, 60_000)).toBe(false);
    } finally {
      await conn.close();
    }
  });
});
