// The conversation browser's query on the MongoDB adapter, against FerretDB (started here) or the
// MongoDB that MONGODB_URI names; each test opens the store on a fresh database.
import { afterAll, beforeAll } from 'vitest';
import { openMongoStore } from './mongo.ts';
import { runBrowseContract } from './browse-contract.ts';
import { startMongoServer, type MongoServer } from '../../test/helpers/mongodb.ts';

let server: MongoServer;
beforeAll(async () => {
  server = await startMongoServer();
});
afterAll(() => server?.stop());

runBrowseContract('MongoDB browse contract', () => openMongoStore(server.freshDatabaseUri()));
