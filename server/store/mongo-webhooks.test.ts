// The webhook contracts on the MongoDB adapter, against FerretDB (started here) or the MongoDB that
// MONGODB_URI names; each test opens the store on a fresh database. And what only this adapter
// has: an event carried by the document its cause wrote, left there by a crash before it was moved
// into the outbox, is moved by the next scan, once; deliveries from before they named their
// conversation are named at open, or dropped when that conversation is gone.
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMongoStore } from './mongo.ts';
import { runWebhookContract } from './webhook-contract.ts';
import { runWebhookCauseContract } from './webhook-cause-contract.ts';
import { startMongoServer, type MongoServer } from '../../test/helpers/mongodb.ts';

let server: MongoServer;
beforeAll(async () => {
  server = await startMongoServer();
});
afterAll(() => server?.stop());

runWebhookContract('MongoDB webhook contract', () => openMongoStore(server.freshDatabaseUri()));
runWebhookCauseContract('MongoDB webhook events with their cause', () => openMongoStore(server.freshDatabaseUri()));

describe('MongoDB webhook outbox after a crash', () => {
  it('an event a crash left carried by its conversation or handover is moved into the outbox by the next scan, once', async () => {
    const uri = server.freshDatabaseUri();
    const store = await openMongoStore(uri);
    const raw = await mongoose.createConnection(uri).asPromise();
    try {
      const now = new Date();
      await store.createConversation({ id: 'conv-crash', botId: 'demo', visitorId: 'v1', origin: 'https://site.example' });
      const { handover } = await store.openHandover({ id: 'handover-crash', conversationId: 'conv-crash', source: 'intent' });
      await store.createWebhook({ id: 'hook-1', botId: 'demo', url: 'https://hooks.example/x', events: ['form.submitted', 'handover.resolved'], enabled: true, secrets: [{ secret: 'whsec_x', createdAt: now, expiresAt: null }], createdAt: now, updatedAt: now });
      const carried = (type: string) => ({ id: `msg_${type}`, botId: 'demo', conversationId: 'conv-crash', type, payload: `{"type":"${type}"}`, createdAt: now });
      // What the causing writes leave when the process dies right after them.
      await raw.db!.collection('conversations').updateOne({ _id: 'conv-crash' as never }, { $push: { webhookOutbox: carried('form.submitted') as never } });
      await raw.db!.collection('handovers').updateOne({ _id: handover.id as never }, { $push: { webhookOutbox: carried('handover.resolved') as never } });

      const owed = async () => (await store.dueWebhookDeliveries(new Date(now.getTime() + 1000), 10)).map((d) => [d.eventId, d.payload]).sort();
      const both = [
        ['msg_form.submitted', '{"type":"form.submitted"}'],
        ['msg_handover.resolved', '{"type":"handover.resolved"}'],
      ];
      expect(await owed()).toEqual(both);
      expect(await owed()).toEqual(both);
      const carrying = await raw.db!.collection('conversations').countDocuments({ 'webhookOutbox.id': { $exists: true } });
      expect(carrying + (await raw.db!.collection('handovers').countDocuments({ 'webhookOutbox.id': { $exists: true } }))).toBe(0);
    } finally {
      await raw.close();
      await store.close();
    }
  });

  it('at open, a pending delivery from before gets its conversation from its body, or goes when that conversation is gone', async () => {
    const uri = server.freshDatabaseUri();
    const first = await openMongoStore(uri);
    await first.createConversation({ id: 'conv-kept', botId: 'demo', visitorId: 'v1', origin: 'https://site.example' });
    await first.close();
    const raw = await mongoose.createConnection(uri).asPromise();
    const body = (conversationId: string) => JSON.stringify({ type: 'form.submitted', data: { conversationId } });
    const old = (eventId: string, payload: string | null, state: string) => ({
      _id: `${eventId}|hook-1`, eventId, webhookId: 'hook-1', botId: 'demo', type: 'form.submitted', payload, state, attempts: 0, nextAttemptAt: new Date(0), createdAt: new Date(0),
    });
    try {
      await raw.db!.collection('webhook_deliveries').insertMany([old('msg_kept', body('conv-kept'), 'pending'), old('msg_erased', body('conv-erased'), 'pending'), old('msg_done', null, 'delivered')] as never[]);
    } finally {
      await raw.close();
    }
    const store = await openMongoStore(uri);
    try {
      expect(await store.dueWebhookDeliveries(new Date(1000), 10)).toEqual([expect.objectContaining({ eventId: 'msg_kept', conversationId: 'conv-kept', payload: body('conv-kept') })]);
      expect(await store.deleteConversation('conv-kept')).toBe(true);
      expect(await store.hasPendingWebhookDeliveries('conv-kept')).toBe(false);
    } finally {
      await store.close();
    }
  });
});
