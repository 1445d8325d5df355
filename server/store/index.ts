// The store's entry points. The server calls openStore with its configuration; tests and tools may
// open one adapter directly.
import path from 'node:path';
import { ensureDataDir } from '../config/data-dir.ts';
import type { Store } from './store.ts';
import { openSqliteStore } from './sqlite.ts';
import { openMongoStore } from './mongo.ts';

export type * from './store.ts';
export type * from './console-store.ts';
export { openSqliteStore, openMongoStore };
export { storeError, storeErrorCode, type StoreErrorCode } from './errors.ts';

/** SQLite at `<dataDir>/parley.db` (archive beside it), unless a MongoDB URI is configured. */
export async function openStore(config: { dataDir: string; mongodbUri?: string }): Promise<Store> {
  if (config.mongodbUri) return openMongoStore(config.mongodbUri);
  ensureDataDir(config.dataDir);
  return openSqliteStore(path.join(config.dataDir, 'parley.db'));
}
