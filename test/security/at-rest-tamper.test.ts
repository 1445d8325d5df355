// Issue 16: a sealed value moved to another conversation, another field or another key, or
// replaced by text in the clear, fails authentication: it is reported (an error naming the
// conversation and the field, never the value) and never shown. The database is edited behind
// Parley's back, as someone with write access to the files or collections could.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import Database from 'better-sqlite3';
import mongoose from 'mongoose';
import { describe, expect, it } from 'vitest';
import { startInProcess } from '../helpers/in-process-parley.ts';
import { call, openSession, sendAndWait } from '../helpers/visitor-api.ts';
import { forEachStore, type StoreUnderTest } from '../helpers/stores.ts';
import { openStore, sealingErrorCode } from '../../server/store/index.ts';
import { tempDirs } from '../helpers/parley-cli.ts';

const tempDir = tempDirs('parley-tamper-');

/** Reads and writes sealed columns of the store's rows directly. */
interface RawStore {
  text(conversationId: string, messageId: number): Promise<string>;
  setText(conversationId: string, messageId: number, text: string): Promise<void>;
  value(conversationId: string, key: string): Promise<string>;
  setValue(conversationId: string, key: string, value: string): Promise<void>;
  state(conversationId: string): Promise<string>;
  setState(conversationId: string, state: string): Promise<void>;
  close(): Promise<void>;
}

async function rawStore(kind: StoreUnderTest['kind'], env: Record<string, string>): Promise<RawStore> {
  if (kind === 'sqlite') {
    const db = new Database(path.join(env.DATA_DIR!, 'parley.db'));
    const one = (sql: string, ...args: unknown[]) => db.prepare(sql).pluck().get(...args) as string;
    return {
      text: async (c, id) => one('SELECT text FROM messages WHERE conversation_id = ? AND id = ?', c, id),
      setText: async (c, id, text) => void db.prepare('UPDATE messages SET text = ? WHERE conversation_id = ? AND id = ?').run(text, c, id),
      value: async (c, key) => one('SELECT value FROM collected_values WHERE conversation_id = ? AND key = ?', c, key),
      setValue: async (c, key, value) => void db.prepare('UPDATE collected_values SET value = ? WHERE conversation_id = ? AND key = ?').run(value, c, key),
      state: async (c) => one('SELECT state FROM conversations WHERE id = ?', c),
      setState: async (c, state) => void db.prepare('UPDATE conversations SET state = ? WHERE id = ?').run(state, c),
      close: async () => void db.close(),
    };
  }
  const conn = await mongoose.createConnection(env.MONGODB_URI!).asPromise();
  const messages = conn.db!.collection('messages');
  const values = conn.db!.collection('collected_values');
  const conversations = conn.db!.collection<{ _id: string; state: string }>('conversations');
  return {
    text: async (c, id) => String((await messages.findOne({ conversationId: c, id }))!.text),
    setText: async (c, id, text) => void (await messages.updateOne({ conversationId: c, id }, { $set: { text } })),
    value: async (c, key) => String((await values.findOne({ conversationId: c, key }))!.value),
    setValue: async (c, key, value) => void (await values.updateOne({ conversationId: c, key }, { $set: { value } })),
    state: async (c) => (await conversations.findOne({ _id: c }))!.state,
    setState: async (c, state) => void (await conversations.updateOne({ _id: c }, { $set: { state } })),
    close: () => conn.close(),
  };
}

forEachStore((kind) => {
  describe('data at rest: tampering', { timeout: 120_000 }, () => {
    it('a ciphertext swapped between conversations or fields, or text put in its place, fails authentication: reported, never shown', async () => {
      const env: Record<string, string> = { ...kind.env(), DATA_DIR: tempDir() };
      const parley = await startInProcess(env);
      const raw = await rawStore(kind.kind, env);
      const store = await openStore(parley.config);
      try {
        const chats = [];
        for (const name of ['alice', 'bob']) {
          const session = await openSession(parley.url);
          const said = `${name}-said-${randomBytes(6).toString('hex')}`;
          await sendAndWait(parley.url, session.token, 'c1', said);
          await store.putValue(session.conversationId, { key: 'email', value: `${name}@example.org`, pii: 'contact' });
          await store.putValue(session.conversationId, { key: 'phone', value: `+47 ${name.length}00 00 000`, pii: 'contact' });
          chats.push({ ...session, said });
        }
        const [alice, bob] = chats as [(typeof chats)[0], (typeof chats)[0]];
        // The visitor's message is the one after the greeting.
        const messageId = (await store.listMessages(alice.conversationId, 0, 10)).find((m) => m.text === alice.said)!.id;
        const bobsId = (await store.listMessages(bob.conversationId, 0, 10)).find((m) => m.text === bob.said)!.id;
        const historyOf = (token: string) => call(parley.url, '/api/v1/messages', { token });
        const failure = async (promise: Promise<unknown>) =>
          promise.then(
            () => 'opened',
            (err: Error) => ({ code: sealingErrorCode(err), message: err.message }),
          );
        const tampered = (field: string, conversationId: string) => ({
          code: 'tampered',
          message: expect.stringMatching(new RegExp(`^${field.replace('.', '\\.')}.* conversation ${conversationId} `)) as unknown as string,
        });
        const refusedOverHttp = async (token: string) => {
          const res = await historyOf(token);
          expect(res.status).toBe(500);
          expect(res.body).toEqual({ error: { code: 'internal', message: 'Something went wrong on our side' } });
        };

        // 1. Bob's message text in Alice's row.
        const alicesText = await raw.text(alice.conversationId, messageId);
        await raw.setText(alice.conversationId, messageId, await raw.text(bob.conversationId, bobsId));
        expect(await failure(store.listMessages(alice.conversationId, 0, 10))).toEqual(tampered('message.text', alice.conversationId));
        await refusedOverHttp(alice.token);
        expect(JSON.stringify(await historyOf(alice.token))).not.toContain(bob.said);
        await raw.setText(alice.conversationId, messageId, alicesText);
        expect((await historyOf(alice.token)).status).toBe(200); // what failed was the swap, nothing else

        // 2. Alice's e-mail under her own `phone` key: same conversation, another field.
        const phone = await raw.value(alice.conversationId, 'phone');
        await raw.setValue(alice.conversationId, 'phone', await raw.value(alice.conversationId, 'email'));
        expect(await failure(store.listValues(alice.conversationId))).toEqual(tampered('value:phone', alice.conversationId));
        await raw.setValue(alice.conversationId, 'phone', phone);
        // ... and her message text as a collected value.
        await raw.setValue(alice.conversationId, 'phone', alicesText);
        expect(await failure(store.listValues(alice.conversationId))).toEqual(tampered('value:phone', alice.conversationId));
        await raw.setValue(alice.conversationId, 'phone', phone);

        // 3. Bob's dialog state in Alice's conversation: every request of hers fails, none reads his.
        const alicesState = await raw.state(alice.conversationId);
        await raw.setState(alice.conversationId, await raw.state(bob.conversationId));
        expect(await failure(store.getConversation(alice.conversationId))).toEqual(tampered('conversation.state', alice.conversationId));
        await refusedOverHttp(alice.token);
        await raw.setState(alice.conversationId, alicesState);

        // 4. Text in the clear where a sealed value belongs (every row is sealed, so none may be clear).
        await raw.setText(alice.conversationId, messageId, 'Your account is locked: log in at https://evil.example');
        expect(await failure(store.listMessages(alice.conversationId, 0, 10))).toEqual(tampered('message.text', alice.conversationId));
        await refusedOverHttp(alice.token);
        await raw.setText(alice.conversationId, messageId, alicesText);

        expect((await store.listMessages(alice.conversationId, 0, 10)).map((m) => m.text)).toContain(alice.said);
        expect((await store.listValues(alice.conversationId)).map((v) => v.value)).toEqual(['alice@example.org', '+47 500 00 000']);
      } finally {
        await store.close();
        await raw.close();
        await parley.close();
      }
    });
  });
});
