// The two stores the integration suites run on: SQLite (the default, a file in DATA_DIR) and
// MongoDB (FerretDB started for the file, or the server MONGODB_URI names). A suite written once
// inside forEachStore runs against both, so the HTTP-level behaviour is proven on each adapter.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe } from 'vitest';
import { openMongoStore, openSqliteStore, type Store } from '../../server/store/index.ts';
import { startMongoServer, type MongoServer } from './mongodb.ts';
import { deploymentSecrets } from './deployment-secrets.ts';
import { readMongoArchive, readSqliteArchive } from './data-files.ts';
import type { ContractSubject } from '../../server/store/store-contract.ts';

export type StoreKind = 'sqlite' | 'mongodb';

export interface StoreUnderTest {
  kind: StoreKind;
  /** Environment that gives a Parley server a fresh, empty store of this kind ({} for SQLite:
   *  its store is the file in the server's own DATA_DIR). Pass the same object again to restart
   *  a server on the same data. */
  env(): Record<string, string>;
  /** A fresh, empty store of this kind, opened directly. */
  open(): Promise<Store>;
  /** The same, with a reader of its archive from outside the store (the file, or the collections). */
  openWithArchive(): Promise<ContractSubject>;
  /**
   * Where the database server keeps its files, for tests that read them byte for byte: FerretDB's
   * data directory; undefined for SQLite (its files are in the server's DATA_DIR) and for an
   * external MongoDB (not ours to read).
   */
  serverFiles(): string | undefined;
}

/** Registers `suite` once per store, as "on sqlite" and "on mongodb". */
export function forEachStore(suite: (store: StoreUnderTest) => void): void {
  describe('on sqlite', () => {
    const dirs: string[] = [];
    afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
    const fresh = () => {
      dirs.push(mkdtempSync(join(tmpdir(), 'parley-store-')));
      return dirs.at(-1)!;
    };
    suite({
      kind: 'sqlite',
      env: () => ({}),
      serverFiles: () => undefined,
      open: () => openSqliteStore(join(fresh(), 'parley.db')),
      openWithArchive: async () => {
        const dir = fresh();
        return { store: await openSqliteStore(join(dir, 'parley.db')), readArchive: readSqliteArchive(join(dir, 'parley-archive.db')) };
      },
    });
  });
  describe('on mongodb', () => {
    let server: MongoServer | undefined;
    beforeAll(async () => {
      server = await startMongoServer();
    });
    afterAll(() => server?.stop());
    const fresh = () => {
      if (!server) throw new Error('the MongoDB server is not started yet: call env()/open() inside a hook or test');
      return server.freshDatabaseUri();
    };
    suite({
      kind: 'mongodb',
      // A shared store means a deployment of several instances: its secrets are configured (derived
      // from the database name, so a restart on the same data gets the same ones).
      env: () => {
        const uri = fresh();
        return { MONGODB_URI: uri, ...deploymentSecrets(uri) };
      },
      serverFiles: () => server?.storageDir,
      open: () => openMongoStore(fresh()),
      openWithArchive: async () => {
        const uri = fresh();
        return { store: await openMongoStore(uri), readArchive: readMongoArchive(uri) };
      },
    });
  });
}
