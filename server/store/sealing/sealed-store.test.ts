// What only the sealed store does, beyond the contracts it passes (sealed-contract.test.ts): turns
// whose input can no longer be opened, the generations clearing keeps or destroys, what browsing
// lists, and webhook deliveries whose body no longer opens. A real
// SQLite store and key store, the keyring in the test's hands.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../sqlite.ts';
import { openSqliteKeyStore } from './sqlite-key-store.ts';
import { createKeyring, type Keyring } from './keyring.ts';
import { sealedStore } from './sealed-store.ts';
import type { Store } from '../store.ts';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

async function open(): Promise<{ store: Store; keyring: Keyring; file: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-sealed-store-'));
  dirs.push(dir);
  const keyring = createKeyring(openSqliteKeyStore(path.join(dir, 'keys.db')), [{ kid: 'k1', key: randomBytes(32) }]);
  const file = path.join(dir, 'parley.db');
  const inner = await openSqliteStore(file, { beforeRemoval: (ids) => keyring.destroy(ids) });
  return { store: sealedStore(inner, keyring, { strict: true }), keyring, file };
}

const turn = (text: string) => ({ input: { text }, locale: 'en', access: 'public' });

describe('sealed store', () => {
  it('a pending turn sealed under a generation that is gone is closed unanswered, and the next one runs', async () => {
    const { store, keyring } = await open();
    try {
      await store.createConversation({ id: 'c', botId: 'demo', visitorId: 'v', origin: 'o' });
      await store.appendVisitorMessage({ conversationId: 'c', clientId: 'm1', sender: 'visitor', text: 'lost', turn: turn('lost') });
      // As if another instance cleared the conversation in that instant: a newer generation, the old one destroyed.
      const next = await keyring.advance('c');
      await keyring.destroy(['c'], next.generation);
      await store.appendVisitorMessage({ conversationId: 'c', clientId: 'm2', sender: 'visitor', text: 'kept', turn: turn('kept') });
      expect(await store.nextTurn('c')).toMatchObject({ messageId: 2, input: { text: 'kept' } });
      expect(await store.completeTurn('c', 2, { meta: { outcome: 'answered' }, replies: [{ sender: 'bot', text: 'ok' }], values: [], state: {} })).toHaveLength(1);
      expect(await store.nextTurn('c')).toBeNull();
    } finally {
      await store.close();
    }
  });

  it('an erased conversation has no turn to run, and reads as deleted', async () => {
    const { store, keyring } = await open();
    try {
      await store.createConversation({ id: 'c', botId: 'demo', visitorId: 'v', origin: 'o' });
      await store.appendVisitorMessage({ conversationId: 'c', clientId: 'm1', sender: 'visitor', text: 'hi', turn: turn('hi') });
      await keyring.destroy(['c']);
      expect(await store.nextTurn('c')).toBeNull();
      expect(await store.getConversation('c')).toBeNull();
      await expect(store.appendMessage({ conversationId: 'c', clientId: null, sender: 'bot', text: 'x' })).rejects.toMatchObject({ code: 'unknown_conversation' });
    } finally {
      await store.close();
    }
  });

  it('clearing moves the state to a new generation and destroys the older ones, unless a pending turn still needs them', async () => {
    const { store, keyring } = await open();
    const generations = async () => {
      const found = await keyring.generations('c', [1, 2, 3, 4]);
      return [...found.keys()].sort();
    };
    try {
      await store.createConversation({ id: 'c', botId: 'demo', visitorId: 'v', origin: 'o' });
      await store.updateConversation('c', { state: { context: 'hello', fallbacks: 0 } });
      await store.appendVisitorMessage({ conversationId: 'c', clientId: 'm1', sender: 'visitor', text: 'first', turn: turn('first') });
      await store.completeTurn('c', 1, { meta: { outcome: 'answered' }, replies: [{ sender: 'bot', text: 'one' }], values: [], state: { context: 'one', fallbacks: 0 } });
      await store.appendVisitorMessage({ conversationId: 'c', clientId: 'm2', sender: 'visitor', text: 'second', turn: turn('second') });
      // Message 2 is pending: generation 1 must stay for it.
      await store.clearConversation('c');
      expect(await generations()).toEqual([1, 2]);
      expect(await store.nextTurn('c')).toMatchObject({ messageId: 3, input: { text: 'second' } });
      await store.completeTurn('c', 3, { meta: { outcome: 'answered' }, replies: [{ sender: 'bot', text: 'two' }], values: [], state: { context: 'two', fallbacks: 0 } });
      await store.clearConversation('c');
      expect(await generations()).toEqual([3]);
      expect((await store.getConversation('c'))!.state).toEqual({ context: 'two', fallbacks: 0 });
      expect(await store.listMessages('c', 0, 10)).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('browsing lists metadata without the sealed state, and a page keeps an erased conversation so its cursor goes on', async () => {
    const { store, keyring } = await open();
    try {
      for (const [n, id] of ['a', 'b', 'c'].entries()) {
        await store.createConversation({ id, botId: 'demo', visitorId: 'v', origin: 'o', now: new Date(n * 1000) });
        await store.updateConversation(id, { state: { context: `secret-${id}` } });
      }
      // Being erased: the key goes before the rows (or the rows came back with an older backup).
      await keyring.destroy(['b']);
      const page = await store.browseConversations({ bots: 'all', limit: 2 });
      expect(page.map((c) => c.id)).toEqual(['c', 'b']);
      for (const c of page) expect(c).not.toHaveProperty('state');
      expect(JSON.stringify(page)).not.toMatch(/sealed|secret/);
    } finally {
      await store.close();
    }
  });

  it('what this process just sealed reads from memory only in its own place: moved to another conversation or field it fails', async () => {
    const { store, file } = await open();
    const raw = new Database(file);
    try {
      for (const id of ['a', 'b']) {
        await store.createConversation({ id, botId: 'demo', visitorId: 'v', origin: 'o' });
        await store.updateConversation(id, { state: { context: `secret-${id}` } });
        await store.appendVisitorMessage({ conversationId: id, clientId: 'm1', sender: 'visitor', text: `words-${id}`, turn: turn(`words-${id}`) });
      }
      // Both turns' inputs and states were sealed by this process a moment ago (and are kept for
      // the turn worker): a's ciphertexts put in b's rows still fail authentication.
      const turnOf = raw.prepare<[string], { turn: string }>('SELECT turn FROM messages WHERE conversation_id = ? AND id = 1');
      const stateOf = raw.prepare<[string], { state: string }>('SELECT state FROM conversations WHERE id = ?');
      raw.prepare('UPDATE messages SET turn = ? WHERE conversation_id = ? AND id = 1').run(turnOf.get('a')!.turn, 'b');
      raw.prepare('UPDATE conversations SET state = ? WHERE id = ?').run(stateOf.get('a')!.state, 'b');
      await expect(store.nextTurn('b')).rejects.toMatchObject({ code: 'tampered' });
      await expect(store.getConversation('b')).rejects.toMatchObject({ code: 'tampered' });
      // a's state envelope moved into a's own turn input: the same conversation, another field.
      const sealedState = (JSON.parse(stateOf.get('a')!.state) as { sealed: string }).sealed;
      const turnRow = JSON.parse(turnOf.get('a')!.turn) as { input: { text: string } };
      raw.prepare('UPDATE messages SET turn = ? WHERE conversation_id = ? AND id = 1').run(JSON.stringify({ ...turnRow, input: { text: sealedState } }), 'a');
      await expect(store.nextTurn('a')).rejects.toMatchObject({ code: 'tampered' });
      // Untouched, a's state still reads (from memory or opened, the same words).
      expect((await store.getConversation('a'))!.state).toEqual({ context: 'secret-a' });
    } finally {
      raw.close();
      await store.close();
    }
  });

  it("a turn whose input is its message's very text refers to that text's envelope instead of sealing it again; another message's text in its place fails", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'parley-sealed-store-'));
    dirs.push(dir);
    const keks = [{ kid: 'k1', key: randomBytes(32) }];
    const file = path.join(dir, 'parley.db');
    // A store of its own per call: the second one has nothing in memory, so it opens what it reads.
    const openOne = async () => {
      const keyring = createKeyring(openSqliteKeyStore(path.join(dir, 'keys.db')), keks);
      return sealedStore(await openSqliteStore(file, { beforeRemoval: (ids) => keyring.destroy(ids) }), keyring, { strict: true });
    };
    const store = await openOne();
    const raw = new Database(file);
    const column = (name: 'text' | 'turn', id: number) => raw.prepare(`SELECT ${name} FROM messages WHERE conversation_id = 'c' AND id = ?`).pluck().get(id) as string;
    const setTurn = (id: number, text: string) =>
      raw.prepare(`UPDATE messages SET turn = ? WHERE conversation_id = 'c' AND id = ?`).run(JSON.stringify({ ...JSON.parse(column('turn', id)), input: { text } }), id);
    let fresh: Store | undefined;
    try {
      await store.createConversation({ id: 'c', botId: 'demo', visitorId: 'v', origin: 'o' });
      await store.appendVisitorMessage({ conversationId: 'c', clientId: 'm1', sender: 'visitor', text: 'same words', turn: turn('same words') });
      await store.appendMessage({ conversationId: 'c', clientId: null, sender: 'bot', text: 'what the bot said' });
      // One seal for both: the turn holds the text's own envelope.
      const input = (JSON.parse(column('turn', 1)) as { input: { text: string } }).input.text;
      expect(input).toBe(`message.text=${column('text', 1)}`);
      expect(await store.nextTurn('c')).toMatchObject({ messageId: 1, input: { text: 'same words' } });
      fresh = await openOne();
      expect(await fresh.nextTurn('c')).toMatchObject({ messageId: 1, input: { text: 'same words' } });

      // The bot's text envelope (the same conversation and field) as the turn's input: not its row's text.
      setTurn(1, `message.text=${column('text', 2)}`);
      await expect(fresh.nextTurn('c')).rejects.toMatchObject({ code: 'tampered' });
      await expect(store.nextTurn('c')).rejects.toMatchObject({ code: 'tampered' });
      setTurn(1, input);
      expect(await fresh.nextTurn('c')).toMatchObject({ input: { text: 'same words' } });

      // Input that differs from the text (a form answer, masked in the message) is sealed on its own.
      await store.completeTurn('c', 1, { meta: { outcome: 'answered' }, replies: [], values: [], state: {} });
      await store.appendVisitorMessage({ conversationId: 'c', clientId: 'm2', sender: 'visitor', text: 'a•••@example.org', turn: turn('ann@example.org') });
      expect((JSON.parse(column('turn', 3)) as { input: { text: string } }).input.text).toMatch(/^sealed1:/);
      expect(await fresh.nextTurn('c')).toMatchObject({ messageId: 3, input: { text: 'ann@example.org' } });

      // A form answer that reads like a reference is the visitor's words all the same: sealed, and
      // its turn runs (it was once stored as it came, in the clear, and then refused as tampered).
      await store.completeTurn('c', 3, { meta: { outcome: 'answered' }, replies: [], values: [], state: {} });
      const lookalike = `message.text=${column('text', 1)}`;
      await store.appendVisitorMessage({ conversationId: 'c', clientId: 'm3', sender: 'visitor', text: '•••', turn: turn(lookalike) });
      expect((JSON.parse(column('turn', 4)) as { input: { text: string } }).input.text).toMatch(/^sealed1:/);
      expect(await fresh.nextTurn('c')).toMatchObject({ messageId: 4, input: { text: lookalike } });
    } finally {
      raw.close();
      await fresh?.close();
      await store.close();
    }
  });

  const hook = async (store: Store) => {
    const t0 = new Date(0);
    await store.createWebhook({ id: 'hook-1', botId: 'demo', url: 'https://hooks.example/x', events: ['form.submitted'], enabled: true, secrets: [{ secret: 'whsec_x', createdAt: t0, expiresAt: null }], createdAt: t0, updatedAt: t0 });
  };
  const submitted = (id: string) => ({ id: `msg_${id}`, botId: 'demo', conversationId: id, type: 'form.submitted' as const, payload: `{"lead":"${id}"}`, createdAt: new Date(0) });

  it('clearing keeps the generation a pending webhook body is sealed under until the delivery is finished', async () => {
    const { store, keyring } = await open();
    try {
      await hook(store);
      await store.createConversation({ id: 'c', botId: 'demo', visitorId: 'v', origin: 'o' });
      await store.appendVisitorMessage({ conversationId: 'c', clientId: 'm1', sender: 'visitor', text: 'last answer', turn: turn('last answer') });
      await store.completeTurn('c', 1, { meta: { outcome: 'form' }, replies: [{ sender: 'bot', text: 'thanks' }], values: [], state: {}, events: [submitted('c')] });
      // Storage off: the exchange is cleared at once, the lead is still owed, and still opens.
      await store.clearConversation('c');
      const [owed] = await store.dueWebhookDeliveries(new Date(1000), 10);
      expect(owed).toMatchObject({ eventId: 'msg_c', payload: '{"lead":"c"}' });
      await store.recordWebhookAttempt({ eventId: 'msg_c', webhookId: 'hook-1', at: new Date(1000), status: 204, durationMs: 5, errorClass: null }, { outcome: 'delivered' });
      await store.clearConversation('c');
      expect([...(await keyring.generations('c', [1, 2, 3])).keys()]).toEqual([3]);
    } finally {
      await store.close();
    }
  });

  it('a due delivery whose conversation was erased (its rows back from a backup) is given up as erased, never sent', async () => {
    const { store, keyring } = await open();
    try {
      await hook(store);
      for (const id of ['gone', 'kept']) {
        await store.createConversation({ id, botId: 'demo', visitorId: 'v', origin: 'o' });
        expect(await store.enqueueWebhookEvent(submitted(id))).toBe(1);
      }
      await keyring.destroy(['gone']);
      expect((await store.dueWebhookDeliveries(new Date(1000), 10)).map((d) => d.payload)).toEqual(['{"lead":"kept"}']);
      expect(await store.listWebhookAttempts('hook-1', 10)).toEqual([expect.objectContaining({ eventId: 'msg_gone', errorClass: 'erased', outcome: 'failed', status: null })]);
      expect((await store.dueWebhookDeliveries(new Date(1000), 10)).map((d) => d.eventId)).toEqual(['msg_kept']);
    } finally {
      await store.close();
    }
  });
});
