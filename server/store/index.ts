// The store's entry points. The server and the operator commands call openStore with their
// configuration: an adapter with sealing around it (sealing/). Tests and tools may open one adapter
// directly, unsealed.
import path from 'node:path';
import { ensureDataDir } from '../config/data-dir.ts';
import type { KeyStoreLocation, NamedKey } from '../config/index.ts';
import { instanceId } from '../instance.ts';
import type { Store } from './store.ts';
import { openSqliteStore } from './sqlite.ts';
import { openMongoStore } from './mongo.ts';
import type { KeyStore } from './sealing/key-store.ts';
import { openSqliteKeyStore } from './sealing/sqlite-key-store.ts';
import { openMongoKeyStore } from './sealing/mongo-key-store.ts';
import { checkStorageKeys, createKeyring, type Keyring } from './sealing/keyring.ts';
import { sealClearRows } from './sealing/migration.ts';
import { sqliteRows } from './sealing/sqlite-rows.ts';
import { mongoRows } from './sealing/mongo-rows.ts';
import { sealedStore } from './sealing/sealed-store.ts';

export type * from './store.ts';
export type * from './console-store.ts';
export { openSqliteStore, openMongoStore };
export { storeError, storeErrorCode, type StoreErrorCode } from './errors.ts';
export { sealingErrorCode, type SealingErrorCode } from './sealing/errors.ts';

export interface StoreConfig {
  dataDir: string;
  mongodbUri?: string;
  storageKeys: readonly NamedKey[];
  keyStore: KeyStoreLocation;
}

/** The SQLite store's live file (the archive is beside it). */
export const sqliteFileIn = (dataDir: string) => path.join(dataDir, 'parley.db');

/** The key store the configuration names, its STORAGE_KEYS checked (a wrong or missing key stops here, in one line); `clock` as createKeyring's. */
export async function openKeyring(config: Pick<StoreConfig, 'storageKeys' | 'keyStore'>, clock?: () => Date): Promise<Keyring> {
  const keyStore: KeyStore = 'file' in config.keyStore ? openSqliteKeyStore(config.keyStore.file) : await openMongoKeyStore(config.keyStore.mongodbUri);
  try {
    await checkStorageKeys(keyStore, config.storageKeys);
    return createKeyring(keyStore, config.storageKeys, { clock });
  } catch (err) {
    await keyStore.close();
    throw err;
  }
}

/** How long the instance sealing old rows holds the job before another may take it over. */
const MIGRATION_LEASE_MS = 60_000;

/**
 * SQLite at `<dataDir>/parley.db` (archive beside it), unless a MongoDB URI is configured; sealed
 * with the keys of the configured key store, rows from before sealing sealed first (one instance
 * at a time on MongoDB; the others read such rows as they are until their next start).
 */
export async function openStore(config: StoreConfig, clock?: () => Date): Promise<Store> {
  if (!config.mongodbUri) ensureDataDir(config.dataDir); // the key store's file is there by default
  const keyring = await openKeyring(config, clock);
  let adapter: Store | undefined;
  try {
    const beforeRemoval = (ids: string[]) => keyring.destroy(ids);
    if (config.mongodbUri) {
      const uri = config.mongodbUri;
      const mongo = (adapter = await openMongoStore(uri, { beforeRemoval }));
      const lease = () => mongo.lease('sealing-migration', instanceId, Date.now(), Date.now() + MIGRATION_LEASE_MS);
      let strict = false;
      if (await lease()) {
        const rows = await mongoRows(uri);
        try {
          strict = (await sealClearRows(rows, keyring, { stillOurs: lease })).done;
        } finally {
          await rows.close();
          await mongo.release('sealing-migration', instanceId);
        }
      }
      return sealedStore(mongo, keyring, { strict });
    }
    const file = sqliteFileIn(config.dataDir);
    const rows = sqliteRows(file);
    let strict: boolean;
    try {
      strict = (await sealClearRows(rows, keyring)).done;
    } finally {
      await rows.close();
    }
    return sealedStore(await openSqliteStore(file, { beforeRemoval }), keyring, { strict });
  } catch (err) {
    await adapter?.close();
    await keyring.keyStore.close();
    throw err;
  }
}
