// FerretDB 1.x updates a document by reading it and writing all of it back, not atomically. A
// visitor's append that updated the conversation document could race a turn's completion on it and
// put the old dialog state back (the scale-out kill -9 test caught a form that forgot its e-mail
// step that way). These pin the rule that keeps them apart: an append writes the conversation
// document only to wake one that was quiet for a minute; the turn, under its lease, writes the rest.
import mongoose from 'mongoose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Store, TurnRequest } from './store.ts';
import { CONNECTION_OPTIONS, mongoStoreOn } from './mongo.ts';
import { defineModels } from './mongo-models.ts';
import { newConversationId } from './store-contract.ts';
import { startMongoServer, type MongoServer } from '../../test/helpers/mongodb.ts';

const WRITES = new Set(['update', 'findAndModify', 'delete', 'insert']);
const TURN: TurnRequest = { input: { text: 'ada@example.org' }, locale: 'en', access: 'public' };
const T0 = new Date(Date.UTC(2030, 0, 1));
const after = (ms: number) => new Date(T0.getTime() + ms);

let server: MongoServer;
let conn: mongoose.Connection;
let store: Store;
/** Write commands sent to the conversations collection since the last take(). */
const written: string[] = [];
const take = () => written.splice(0);

beforeAll(async () => {
  server = await startMongoServer();
  conn = await mongoose.createConnection(server.freshDatabaseUri(), { ...CONNECTION_OPTIONS, monitorCommands: true }).asPromise();
  const models = defineModels(conn);
  await Promise.all(Object.values(models).map((model) => model.init()));
  conn.getClient().on('commandStarted', (event) => {
    if (WRITES.has(event.commandName) && event.command[event.commandName] === 'conversations') written.push(event.commandName);
  });
  store = mongoStoreOn(conn, models);
});
afterAll(async () => {
  await conn?.close();
  await server?.stop();
});
afterEach(() => void take());

async function conversation(): Promise<string> {
  const id = newConversationId();
  await store.createConversation({ id, botId: 'demo', visitorId: `v-${id}`, origin: 'https://site.example', now: T0 });
  take();
  return id;
}

describe('MongoDB appends and the conversation document', () => {
  it("a visitor's message and the bot's replies leave the conversation document to the turn's one update", async () => {
    const id = await conversation();
    const { message } = await store.appendVisitorMessage({ conversationId: id, clientId: 'c1', sender: 'visitor', text: '••••••', turn: TURN, now: after(1_000) });
    expect(take(), 'the append').toEqual([]);

    const outcome = { meta: { outcome: 'form' as const }, replies: [{ sender: 'bot' as const, text: 'How many people?' }, { sender: 'bot' as const, text: 'Pick one' }], values: [], state: { step: 'team' }, now: after(1_100) };
    const replies = await store.completeTurn(id, message.id, outcome);
    expect(replies.map((r) => r.id)).toEqual([2, 3]);
    expect(take(), 'the turn: state, done and activity in one update').toEqual(['update']);

    const read = await store.getConversation(id);
    expect(read?.state).toEqual({ step: 'team' });
    expect(read?.lastActivityAt).toEqual(after(1_100));
    expect((await store.appendVisitorMessage({ conversationId: id, clientId: 'c2', sender: 'visitor', text: 'x', turn: TURN, now: after(2_000) })).message.id).toBe(4);
  });

  it('an append to a conversation quiet for a minute records the activity; one within the minute does not write', async () => {
    const id = await conversation();
    await store.appendMessage({ conversationId: id, clientId: null, sender: 'operator', text: 'still there?', author: 'Kari', now: after(59_000) });
    expect(take()).toEqual([]);
    expect((await store.getConversation(id))?.lastActivityAt).toEqual(T0);

    await store.appendMessage({ conversationId: id, clientId: 'c1', sender: 'visitor', text: 'yes', now: after(60_000) });
    expect(take()).toEqual(['update']);
    expect((await store.getConversation(id))?.lastActivityAt).toEqual(after(60_000));
  });

  it('ids go on above every message ever stored, after clearing removed the latest ones', async () => {
    const id = await conversation();
    const first = await store.appendVisitorMessage({ conversationId: id, clientId: 'c1', sender: 'visitor', text: 'a', turn: TURN, now: after(1) });
    const second = await store.appendVisitorMessage({ conversationId: id, clientId: 'c2', sender: 'visitor', text: 'b', turn: TURN, now: after(2) });
    // The first turn's answer (id 3) comes after the second message, which is still pending.
    await store.completeTurn(id, first.message.id, { meta: { outcome: 'answered' }, replies: [{ sender: 'bot', text: 'answer' }], values: [], state: {}, now: after(3) });
    await store.clearConversation(id);
    expect((await store.listMessages(id, 0, 10)).map((m) => m.id)).toEqual([second.message.id]);
    expect((await store.appendMessage({ conversationId: id, clientId: 'c3', sender: 'visitor', text: 'c', now: after(4) })).message.id).toBe(4);
  });
});
