// openStore picks SQLite under the data directory when no MongoDB URI is configured.
import { createServer } from 'node:net';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { openStore, type StoreConfig } from './index.ts';

const root = mkdtempSync(path.join(tmpdir(), 'parley-open-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** What the configuration gives openStore besides where the data is: STORAGE_KEYS and the key store. */
function keysFor(dir: string): Pick<StoreConfig, 'storageKeys' | 'keyStore'> {
  return { storageKeys: [{ kid: 'k1', key: randomBytes(32) }], keyStore: { file: path.join(dir, 'parley-keys.db') } };
}

describe('openStore', () => {
  it('opens SQLite at <dataDir>/parley.db, creating the directory (0700), with the archive beside it', async () => {
    const dataDir = path.join(root, 'nested', 'data');
    const store = await openStore({ dataDir, ...keysFor(dataDir) });
    try {
      expect(store.kind).toBe('sqlite');
      expect(statSync(dataDir).mode & 0o777).toBe(0o700);
      expect(await store.ping()).toBe(true);
      expect(existsSync(path.join(dataDir, 'parley.db'))).toBe(true);
      expect(existsSync(path.join(dataDir, 'parley-archive.db'))).toBe(true);
      expect(existsSync(path.join(dataDir, 'parley-keys.db'))).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('treats an empty MongoDB URI as unset', async () => {
    const store = await openStore({ dataDir: path.join(root, 'empty-uri'), mongodbUri: '', ...keysFor(path.join(root, 'empty-uri')) });
    expect(store.kind).toBe('sqlite');
    await store.close();
  });

  it('fails with a clear error for a malformed MongoDB URI, without starting anything', async () => {
    await expect(openStore({ dataDir: root, mongodbUri: 'not-a-uri', storageKeys: keysFor(root).storageKeys, keyStore: { mongodbUri: 'not-a-uri' } })).rejects.toThrow(/mongodb/i);
  });

  it('rejects, without crashing, when no MongoDB server answers at the URI', async () => {
    // A loopback port that was free a moment ago: nothing listens there.
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const started = Date.now();
    await expect(
      openStore({
        dataDir: root,
        mongodbUri: `mongodb://127.0.0.1:${port}/parley?serverSelectionTimeoutMS=300`,
        storageKeys: keysFor(root).storageKeys,
        keyStore: { mongodbUri: `mongodb://127.0.0.1:${port}/parley_keys?serverSelectionTimeoutMS=300` },
      }),
    ).rejects.toThrow(/ECONNREFUSED|Server selection timed out|connect/i);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
