// Issue 16: STORAGE_KEYS at start and in rotation. A wrong or missing key stops the server with one
// line naming it (never a stack, never a history that silently reads as empty); rotating to a new
// key, killed half-way by SIGKILL and run again, loses nothing and never touches the data.
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { deploymentSecrets } from '../helpers/deployment-secrets.ts';
import { parleyProcess, tempDirs } from '../helpers/parley-cli.ts';
import { loadConfig } from '../../server/config/index.ts';
import { openKeyring, openStore } from '../../server/store/index.ts';
import { wrapDataKey, newDataKey } from '../../server/store/sealing/key-wrap.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const tempDir = tempDirs('parley-keys-');
const key32 = () => randomBytes(32).toString('base64url');

/** A deployment's environment on SQLite with its own STORAGE_KEYS, and a few conversations stored in it. */
async function deploymentWithConversations(storageKeys: string) {
  const env = { ...deploymentSecrets(), STORAGE_KEYS: storageKeys, DATA_DIR: tempDir() };
  const store = await openStore(loadConfig(env));
  const said: Record<string, string> = {};
  try {
    for (let i = 0; i < 3; i++) {
      const id = `conv-${i}`;
      said[id] = `secret-${i}-${randomBytes(4).toString('hex')}`;
      await store.createConversation({ id, botId: 'demo', visitorId: `v${i}`, origin: 'https://shop.example' });
      await store.appendMessage({ conversationId: id, clientId: 'c1', sender: 'visitor', text: said[id] });
    }
  } finally {
    await store.close();
  }
  return { env, said };
}

async function readsAll(env: Record<string, string>, said: Record<string, string>): Promise<void> {
  const store = await openStore(loadConfig(env));
  try {
    for (const [id, text] of Object.entries(said)) expect((await store.listMessages(id, 0, 10)).map((m) => m.text)).toEqual([text]);
  } finally {
    await store.close();
  }
}

/** `npm start` with this environment: it must stop before listening. */
function start(env: Record<string, string>) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: '0', LOG_LEVEL: 'silent', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: run.status, stdout: run.stdout, lines: run.stderr.trimEnd().split('\n') };
}

describe('STORAGE_KEYS at start', { timeout: 240_000 }, () => {
  it('a wrong or missing STORAGE_KEYS stops start-up with one clear line (exit 2), the server and the CLI alike', async () => {
    const k1 = key32();
    const { env } = await deploymentWithConversations(`k1:${k1}`);
    const keyStore = path.join(env.DATA_DIR, 'parley-keys.db');

    const wrong = start({ ...env, STORAGE_KEYS: `k1:${key32()}` });
    expect(wrong.code).toBe(2);
    expect(wrong.lines).toEqual([`parley: STORAGE_KEYS key "k1" is not the key that wrapped the key store's data keys (${keyStore}): set the key it had`]);
    expect(wrong.stdout).toBe('');

    const missing = start({ ...env, STORAGE_KEYS: `k2:${key32()}` });
    expect(missing.code).toBe(2);
    expect(missing.lines).toEqual([
      `parley: STORAGE_KEYS lacks key "k1", which wraps 3 data key(s) in the key store (${keyStore}): add it back (rotate-storage-key moves data keys to the first key)`,
    ]);

    // Unset: `npm start` generates one into DATA_DIR/secrets.json, which is not the key of this key store.
    const { STORAGE_KEYS: _unset, ...withoutKeys } = env;
    const generated = start(withoutKeys);
    expect(generated.code, generated.lines.join('\n')).toBe(2);
    expect(generated.lines).toEqual([expect.stringMatching(/^parley: STORAGE_KEYS lacks key "k1", which wraps 3 data key\(s\)/)]);

    // Unset where instances share data: nothing may be generated.
    const shared = start({ ...withoutKeys, REDIS_URL: 'redis://127.0.0.1:1' });
    expect(shared.code).toBe(2);
    expect(shared.lines).toEqual(['parley: invalid configuration:', '  REDIS_URL means several instances share data, so secrets cannot be generated: set STORAGE_KEYS']);

    const malformed = start({ ...env, STORAGE_KEYS: 'k1:not-a-key' });
    expect(malformed.code).toBe(2);
    expect(malformed.lines).toEqual(['parley: invalid configuration:', '  STORAGE_KEYS: key "k1" is not 32 bytes of base64url']);

    // The key store gone (or KEY_STORE_FILE pointing elsewhere) beside sealed data: not an empty history, a refusal.
    const elsewhere = start({ ...env, KEY_STORE_FILE: path.join(tempDir(), 'empty-keys.db') });
    expect(elsewhere.code, elsewhere.lines.join('\n')).toBe(2);
    expect(elsewhere.lines).toEqual([expect.stringMatching(/^parley: the key store \(.*empty-keys\.db\) has no data key for conversations the store holds sealed: it is not their key store/)]);

    const cli = parleyProcess(['sweep'], { ...env, STORAGE_KEYS: `k1:${key32()}` });
    expect(cli.code).toBe(2);
    expect(cli.stderr.trimEnd().split('\n')).toEqual([`STORAGE_KEYS key "k1" is not the key that wrapped the key store's data keys (${keyStore}): set the key it had`]);
  });
});

describe('rotate-storage-key', { timeout: 240_000 }, () => {
  it('killed half-way (SIGKILL) and run again: every data key is wrapped by the new key, nothing is lost, the data files are untouched', async () => {
    const k1 = { kid: 'k1', key: randomBytes(32) };
    const { env, said } = await deploymentWithConversations(`k1:${Buffer.from(k1.key).toString('base64url')}`);
    const keyFile = path.join(env.DATA_DIR, 'parley-keys.db');
    // Enough data keys that the rotation takes many batches (written straight into the key store).
    const bulk = new Database(keyFile);
    bulk.transaction(() => {
      const insert = bulk.prepare('INSERT INTO data_keys (conversation_id, generation, kid, wrapped, created_at) VALUES (?, 1, ?, ?, ?)');
      for (let i = 0; i < 20_000; i++) {
        const record = wrapDataKey(k1, `bulk-${i}`, 1, newDataKey());
        insert.run(record.conversationId, record.kid, record.wrapped, Date.now());
      }
    })();
    bulk.close();
    const dataFiles = ['parley.db', 'parley-archive.db'].map((name) => path.join(env.DATA_DIR, name));
    const digest = () => dataFiles.map((file) => createHash('sha256').update(readFileSync(file)).digest('hex'));
    const before = digest();
    const kids = () => {
      const db = new Database(keyFile, { readonly: true });
      try {
        return Object.fromEntries(db.prepare<[], { kid: string; n: number }>('SELECT kid, count(*) AS n FROM data_keys GROUP BY kid').all().map((r) => [r.kid, r.n]));
      } finally {
        db.close();
      }
    };

    const rotating = { ...env, STORAGE_KEYS: `k2:${key32()},${env.STORAGE_KEYS}` };
    const child = spawn(TSX, [path.join(ROOT, 'server/cli.ts'), 'rotate-storage-key'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...rotating },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const killed = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (/rewrapped \d+ data key/.test(output)) child.kill('SIGKILL');
    });
    expect(await killed, output).toBe('SIGKILL');
    const halfWay = kids();
    expect(halfWay.k2).toBeGreaterThan(0);
    expect(halfWay.k1).toBeGreaterThan(0);
    expect(halfWay.k1! + halfWay.k2!).toBe(20_003);

    const resumed = parleyProcess(['rotate-storage-key'], rotating);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/every data key is wrapped with "k2" \(\d+ rewrapped now\); keys after it may leave STORAGE_KEYS/);
    expect(kids()).toEqual({ k2: 20_003 });
    expect(digest()).toEqual(before);

    // The old key leaves STORAGE_KEYS: everything still opens, under the new key alone.
    const afterwards = { ...env, STORAGE_KEYS: rotating.STORAGE_KEYS.split(',')[0]! };
    await readsAll(afterwards, said);
    const keyring = await openKeyring(loadConfig(afterwards));
    try {
      const opened = await keyring.generations('bulk-19999', [1]);
      expect(opened.get(1)?.key.symmetricKeySize).toBe(32);
    } finally {
      await keyring.keyStore.close();
    }
    rmSync(env.DATA_DIR, { recursive: true, force: true });
  });
});
