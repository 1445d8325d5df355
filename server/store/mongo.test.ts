// The store contract on MongoDB. It needs a real server (MONGODB_URI); each test gets its own
// database, dropped afterwards. Without MONGODB_URI the suite is registered as skipped, with the
// reason in its name, so a green run never hides that it did not run.
import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { afterAll, describe } from 'vitest';
import type { Store } from './store.ts';
import { openMongoStore } from './mongo.ts';
import { runStoreContract } from './store-contract.ts';

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

    runStoreContract('MongoDB store contract', (): Promise<Store> => openMongoStore(freshDatabaseUri(baseUri ?? '')));
  },
);
