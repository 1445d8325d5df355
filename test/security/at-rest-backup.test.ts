// Issue 16: backups hold no key, and erasure reaches them. A backup taken before a conversation is
// erased, restored into a fresh deployment with the current key store, reads for every other
// conversation and reports the erased one as erased (not as damaged); every erasure path (visitor
// DELETE, delete-conversation, retention deleting idle conversations, the archive's own retention,
// clearing a conversation of a bot that stores nothing) reaches a backup taken before it.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInProcess } from '../helpers/in-process-parley.ts';
import { call, history, openSession, sendAndWait } from '../helpers/visitor-api.ts';
import { deploymentSecrets } from '../helpers/deployment-secrets.ts';
import { filesContaining } from '../helpers/data-files.ts';
import { startMongoServer, type MongoServer } from '../helpers/mongodb.ts';
import { sealingErrorCode, type Store } from '../../server/store/index.ts';
import { parleyInProcess, tempDirs, withStoreOf } from '../helpers/parley-cli.ts';

const DAY = 86_400_000;
const tempDir = tempDirs('parley-backup-test-');
const cli = parleyInProcess;
const withStore = withStoreOf;

const rejection = (promise: Promise<unknown>) => promise.then(() => 'resolved', (err: unknown) => sealingErrorCode(err) ?? String(err));

describe('backups and erasure (SQLite)', { timeout: 120_000 }, () => {
  it('backup, erase, restore into a fresh deployment with the current key store: the others read, the erased one is reported as erased', async () => {
    const secrets = deploymentSecrets();
    const first = { ...secrets, DATA_DIR: tempDir() };
    const parley = await startInProcess(first);
    const chats: Array<{ token: string; conversationId: string; said: string }> = [];
    try {
      for (const name of ['kept-a', 'erased', 'kept-c']) {
        const session = await openSession(parley.url);
        const said = `${name}-${randomBytes(6).toString('hex')}`;
        await sendAndWait(parley.url, session.token, 'c1', `remember ${said}`);
        chats.push({ token: session.token, conversationId: session.conversationId, said });
      }
      const backup = path.join(tempDir(), 'before.db');
      const taken = await cli(['backup', backup], first);
      expect(taken.code, taken.stderr).toBe(0);
      expect(taken.stdout).toMatch(/no key is in them/);
      for (const { said } of chats) expect(filesContaining(path.dirname(backup), said)).toEqual([]);

      expect((await call(parley.url, '/api/v1/conversation', { method: 'DELETE', token: chats[1]!.token })).status).toBe(204);
      await parley.close();

      // Checked where it lies, then restored into a new DATA_DIR that keeps the key store where it was.
      const keyStore = { KEY_STORE_FILE: path.join(first.DATA_DIR, 'parley-keys.db') };
      const verified = await cli(['backup-verify', backup], { ...first, ...keyStore });
      expect(verified.code, verified.stderr).toBe(0);
      expect(verified.stdout).toMatch(/2 conversation\(s\) readable, 1 erased \(their keys are gone\), 0 damaged/);

      const fresh = { ...secrets, ...keyStore, DATA_DIR: tempDir() };
      const restored = await cli(['restore', backup], fresh);
      expect(restored.code, restored.stderr).toBe(0);
      expect(restored.stdout).toMatch(/2 conversation\(s\) readable, 1 erased \(their keys are gone\), 0 damaged/);
      expect((await cli(['restore', backup], fresh)).code).toBe(2); // never over a store that is there

      const again = await startInProcess(fresh);
      try {
        for (const kept of [chats[0]!, chats[2]!]) {
          expect((await history(again.url, kept.token)).map((m) => m.text)).toContain(`remember ${kept.said}`);
        }
        // The erased conversation's rows came back with the backup, but nothing opens them: to the
        // visitor it is deleted; to the store, erased (never "damaged", never its text).
        expect((await call(again.url, '/api/v1/messages', { token: chats[1]!.token })).status).toBe(401);
        await withStore(fresh, async (store) => {
          expect(await store.getConversation(chats[1]!.conversationId)).toBeNull();
          expect(await rejection(store.listMessages(chats[1]!.conversationId, 0, 100))).toBe('erased');
          expect((await store.listMessages(chats[0]!.conversationId, 0, 100)).map((m) => m.text)).toContain(`remember ${chats[0]!.said}`);
        });
      } finally {
        await again.close();
      }
    } finally {
      await parley.close();
    }
  });

  it('every erasure path reaches a backup taken before it: visitor and operator deletion, retention, the archive, storage off', async () => {
    const env = { ...deploymentSecrets(), DATA_DIR: tempDir() };
    const now = new Date();
    const old = new Date(now.getTime() - 10 * DAY);
    const ids: Record<string, string> = {};
    const seed = async (store: Store, name: string, botId: string, when: Date) => {
      const id = `${name}-${randomBytes(4).toString('hex')}`;
      ids[name] = id;
      await store.createConversation({ id, botId, visitorId: `v-${id}`, origin: 'https://shop.example', now: when });
      await store.appendMessage({ conversationId: id, clientId: 'c1', sender: 'visitor', text: `secret of ${id}`, now: when });
      await store.putValue(id, { key: 'email', value: `${id}@example.org`, pii: 'contact', now: when });
      await store.updateConversation(id, { state: { context: 'greeting', fallbacks: 0 } });
    };
    await withStore(env, async (store) => {
      await seed(store, 'control', 'demo', now);
      await seed(store, 'visitor', 'demo', now);
      await seed(store, 'operator', 'demo', now);
      await seed(store, 'idle', 'forgetful', old);
      await seed(store, 'archived', 'keeper', old);
      await seed(store, 'storage-off', 'quiet', now);
      // Archived before the backup, so the backup's archive holds it.
      expect((await store.sweep({ botId: 'keeper', inactiveAfterMs: DAY, archive: true }, now)).conversationsArchived).toBe(1);
    });
    const backup = path.join(tempDir(), 'nightly.db');
    expect((await cli(['backup', backup], env)).code).toBe(0);
    expect((await cli(['backup-verify', backup], env)).stdout).toMatch(/6 conversation\(s\) readable, 0 erased/);

    await withStore(env, async (store) => {
      // What DELETE /api/v1/conversation calls, with the token's owner.
      expect(await store.deleteConversation(ids.visitor!, { botId: 'demo', visitorId: `v-${ids.visitor}` })).toBe(true);
      expect((await store.sweep({ botId: 'forgetful', inactiveAfterMs: DAY }, now)).conversationsDeleted).toBe(1);
      expect((await store.sweep({ botId: 'keeper', archiveTtlMs: DAY }, new Date(now.getTime() + 2 * DAY))).archivedConversationsDeleted).toBe(1);
      // A bot that stores nothing forgets each exchange so (chat/turns.ts); the conversation goes on.
      await store.clearConversation(ids['storage-off']!);
      expect((await store.getConversation(ids['storage-off']!))?.state).toEqual({ context: 'greeting', fallbacks: 0 });
      await store.appendMessage({ conversationId: ids['storage-off']!, clientId: 'c2', sender: 'visitor', text: 'next exchange' });
      expect((await store.listMessages(ids['storage-off']!, 0, 10)).map((m) => m.text)).toEqual(['next exchange']);
    });
    expect((await cli(['delete-conversation', ids.operator!], env)).code).toBe(0);

    const verified = await cli(['backup-verify', backup], env);
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stdout).toMatch(/1 conversation\(s\) readable, 5 erased \(their keys are gone\), 0 damaged/);
    // Restored, the one left is the control: the rest read as erased, and their words never show.
    const fresh = { ...env, KEY_STORE_FILE: path.join(env.DATA_DIR, 'parley-keys.db'), DATA_DIR: tempDir() };
    expect((await cli(['restore', backup], fresh)).code).toBe(0);
    await withStore(fresh, async (store) => {
      expect((await store.listMessages(ids.control!, 0, 10)).map((m) => m.text)).toEqual([`secret of ${ids.control}`]);
      for (const name of ['visitor', 'operator', 'idle', 'storage-off']) {
        expect(await store.getConversation(ids[name]!)).toBeNull();
        expect(await rejection(store.listMessages(ids[name]!, 0, 10))).toBe('erased');
        expect(await rejection(store.listValues(ids[name]!))).toBe('erased');
      }
    });
  });
});

describe('backups and erasure (MongoDB)', { timeout: 120_000 }, () => {
  let server: MongoServer;
  beforeAll(async () => {
    server = await startMongoServer();
  });
  afterAll(() => server?.stop());

  /** What `mongodump --db <data>` then `mongorestore` into another database gives (no MongoDB tools here: copied with the driver). */
  async function dumpAndRestore(from: string): Promise<string> {
    const to = server.freshDatabaseUri();
    const source = await mongoose.createConnection(from).asPromise();
    const target = await mongoose.createConnection(to).asPromise();
    try {
      for (const { name } of await source.db!.listCollections().toArray()) {
        const docs = await source.db!.collection(name).find().toArray();
        if (docs.length > 0) await target.db!.collection(name).insertMany(docs);
      }
    } finally {
      await source.close();
      await target.close();
    }
    return to;
  }

  it('a restored dump of the data database holds no key, opens with the key store, and reports an erased conversation as erased', async () => {
    const uri = server.freshDatabaseUri();
    const env = { ...deploymentSecrets(uri), MONGODB_URI: uri, DATA_DIR: tempDir() };
    const parley = await startInProcess(env);
    try {
      const chats = [];
      for (const name of ['kept', 'erased']) {
        const session = await openSession(parley.url);
        const said = `${name}-${randomBytes(6).toString('hex')}`;
        await sendAndWait(parley.url, session.token, 'c1', `remember ${said}`);
        chats.push({ ...session, said });
      }
      const dump = await dumpAndRestore(uri);
      // The data database has no key: its collections are the store's, the keys live in `<name>_keys`.
      const names = await mongoose
        .createConnection(dump)
        .asPromise()
        .then(async (conn) => {
          const listed = (await conn.db!.listCollections().toArray()).map((c) => c.name);
          await conn.close();
          return listed;
        });
      expect(names).not.toContain('data_keys');
      expect((await cli(['backup-verify', dump], env)).stdout).toMatch(/2 conversation\(s\) readable, 0 erased \(their keys are gone\), 0 damaged/);

      expect((await call(parley.url, '/api/v1/conversation', { method: 'DELETE', token: chats[1]!.token })).status).toBe(204);
      const verified = await cli(['backup-verify', dump], env);
      expect(verified.code, verified.stderr).toBe(0);
      expect(verified.stdout).toMatch(/1 conversation\(s\) readable, 1 erased \(their keys are gone\), 0 damaged/);
      expect((await cli(['backup', path.join(tempDir(), 'x.db')], env)).stderr).toMatch(/mongodump --db/);
    } finally {
      await parley.close();
    }
  });
});
