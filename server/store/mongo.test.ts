// The store contract on the MongoDB adapter, against a real MongoDB-protocol server: FerretDB
// (started here; `bash e2e/peers/ferretdb/build.sh` builds it) or, when MONGODB_URI is set, that
// MongoDB. Each test opens the store on its own fresh database.
import { afterAll, beforeAll } from 'vitest';
import type { Store } from './store.ts';
import { openMongoStore } from './mongo.ts';
import { runStoreContract } from './store-contract.ts';
import { startMongoServer, type MongoServer } from '../../test/helpers/mongodb.ts';

let server: MongoServer;
beforeAll(async () => {
  server = await startMongoServer();
});
afterAll(() => server?.stop());

runStoreContract('MongoDB store contract', (): Promise<Store> => openMongoStore(server.freshDatabaseUri()));
