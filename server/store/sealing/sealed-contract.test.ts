// The store's contracts held against the store the server really uses: each adapter with sealing
// around it (openStore), so sealing changes nothing a caller can see: the base store, turns, the
// live handover, data protection (whole-conversation reads for exports), the conversation
// browser, and webhooks (targets, the outbox, events stored with their cause). The archive is read from outside the store as before, and what it holds opened with
// the key store's keys: the contracts compare plain text.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { keysDatabaseBeside } from '../../config/index.ts';
import { openStore, type StoreConfig } from '../index.ts';
import { runStoreContract } from '../store-contract.ts';
import { runTurnContract } from '../turns-contract.ts';
import { runHandoverContract } from '../handover-contract.ts';
import { runDataProtectionContract } from '../data-protection-contract.ts';
import { runBrowseContract } from '../browse-contract.ts';
import { runWebhookContract } from '../webhook-contract.ts';
import { runWebhookCauseContract } from '../webhook-cause-contract.ts';
import { startMongoServer, type MongoServer } from '../../../test/helpers/mongodb.ts';
import {
  openedArchive,
  openedArchivedHandovers,
  readMongoArchive,
  readMongoArchivedHandovers,
  readSqliteArchive,
  readSqliteArchivedHandovers,
} from '../../../test/helpers/data-files.ts';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

let server: MongoServer;
beforeAll(async () => {
  server = await startMongoServer();
});
afterAll(() => server?.stop());

function sqliteConfig(): StoreConfig {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'parley-sealed-'));
  dirs.push(dataDir);
  return { dataDir, storageKeys: [{ kid: 'k1', key: randomBytes(32) }], keyStore: { file: path.join(dataDir, 'parley-keys.db') } };
}

function mongoConfig(): StoreConfig {
  const uri = server.freshDatabaseUri();
  return { dataDir: '/nonexistent', mongodbUri: uri, storageKeys: [{ kid: 'k1', key: randomBytes(32) }], keyStore: { mongodbUri: keysDatabaseBeside(uri) } };
}

const sqliteArchive = (config: StoreConfig) => path.join(config.dataDir, 'parley-archive.db');

runStoreContract('sealed SQLite store contract', async () => {
  const config = sqliteConfig();
  return { store: await openStore(config), readArchive: openedArchive(config, readSqliteArchive(sqliteArchive(config))) };
});
runTurnContract('sealed SQLite turn contract', () => openStore(sqliteConfig()));
runHandoverContract('sealed SQLite handover contract', async () => {
  const config = sqliteConfig();
  return { store: await openStore(config), readArchivedHandovers: openedArchivedHandovers(config, readSqliteArchivedHandovers(sqliteArchive(config))) };
});
runDataProtectionContract('sealed SQLite data-protection contract', () => openStore(sqliteConfig()));
runBrowseContract('sealed SQLite browse contract', () => openStore(sqliteConfig()));
runWebhookContract('sealed SQLite webhook contract', () => openStore(sqliteConfig()));
runWebhookCauseContract('sealed SQLite webhook events with their cause', () => openStore(sqliteConfig()));

runStoreContract('sealed MongoDB store contract', async () => {
  const config = mongoConfig();
  return { store: await openStore(config), readArchive: openedArchive(config, readMongoArchive(config.mongodbUri!)) };
});
runTurnContract('sealed MongoDB turn contract', () => openStore(mongoConfig()));
runHandoverContract('sealed MongoDB handover contract', async () => {
  const config = mongoConfig();
  return { store: await openStore(config), readArchivedHandovers: openedArchivedHandovers(config, readMongoArchivedHandovers(config.mongodbUri!)) };
});
runDataProtectionContract('sealed MongoDB data-protection contract', () => openStore(mongoConfig()));
runBrowseContract('sealed MongoDB browse contract', () => openStore(mongoConfig()));
runWebhookContract('sealed MongoDB webhook contract', () => openStore(mongoConfig()));
runWebhookCauseContract('sealed MongoDB webhook events with their cause', () => openStore(mongoConfig()));
