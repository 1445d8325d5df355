// The report contract on the MongoDB adapter, against FerretDB (started here) or the MongoDB that
// MONGODB_URI names; each test opens the store on a fresh database. Plus what only this adapter
// has: several stores (instances) counting the same bot and day at once.
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMongoStore } from './mongo.ts';
import { runReportContract } from './report-contract.ts';
import { newConversationId } from './store-contract.ts';
import { startMongoServer, type MongoServer } from '../../test/helpers/mongodb.ts';

let server: MongoServer;
beforeAll(async () => {
  server = await startMongoServer();
});
afterAll(() => server?.stop());

runReportContract('MongoDB report contract', () => openMongoStore(server.freshDatabaseUri()));

describe('MongoDB tallies: chunks and their months', () => {
  it('counts once what a fold cut short left behind (the month written, its chunks not yet deleted), and the next sweep clears it', async () => {
    const uri = server.freshDatabaseUri();
    const store = await openMongoStore(uri);
    const conn = await mongoose.createConnection(uri).asPromise();
    try {
      const now = new Date('2030-01-01T12:00:00Z');
      for (let i = 0; i < 3; i++) await store.createConversation({ id: newConversationId(), botId: 'demo', visitorId: 'v', origin: 'https://shop.example', now });
      const read = () => store.reportDays({ bots: ['demo'], from: '2030-01-01', to: '2030-01-31' });
      expect((await read())[0]?.counts).toEqual({ conversations: 3 });
      const chunks = conn.db!.collection<{ _id: string; day: string; tally: string }>('report_chunks');
      const written = await chunks.find({}).toArray();
      expect(written.length).toBeGreaterThan(0);
      // What a folder that died between its two writes leaves: the month holds the chunks, which are still there.
      await conn.db!.collection<{ _id: string; botId: string; month: string; days: string; folded: string[] }>('report_months').insertOne({
        _id: 'demo|2030-01',
        botId: 'demo',
        month: '2030-01',
        days: JSON.stringify({ '2030-01-01': { counts: { conversations: 3 }, waitMs: [], firstResponseMs: [] } }),
        folded: written.map((c) => c._id),
      });
      expect((await read())[0]?.counts).toEqual({ conversations: 3 });
      await store.sweep({ botId: 'demo' }, now);
      expect(await chunks.countDocuments()).toBe(0);
      expect((await read())[0]?.counts).toEqual({ conversations: 3 });
    } finally {
      await conn.close();
      await store.close();
    }
  });

  it('a sweep leaves one document per bot and month, whatever the number of writes', async () => {
    const uri = server.freshDatabaseUri();
    const store = await openMongoStore(uri);
    const conn = await mongoose.createConnection(uri).asPromise();
    try {
      for (const day of ['2030-01-01', '2030-01-02', '2030-02-01']) {
        for (let n = 0; n < 3; n++) {
          await store.createConversation({ id: newConversationId(), botId: 'demo', visitorId: 'v', origin: 'https://shop.example', now: new Date(`${day}T0${n}:00:00Z`) });
          await store.reportDays({ bots: ['demo'], from: day, to: day }); // a chunk each time
        }
      }
      expect(await conn.db!.collection('report_chunks').countDocuments()).toBe(9);
      await store.sweep({ botId: 'demo' }, new Date('2030-02-02T00:00:00Z'));
      expect(await conn.db!.collection('report_chunks').countDocuments()).toBe(0);
      expect((await conn.db!.collection('report_months').find({}).toArray()).map((m) => m._id).sort()).toEqual(['demo|2030-01', 'demo|2030-02']);
      const all = await store.reportDays({ bots: ['demo'], from: '2030-01-01', to: '2030-02-28' });
      expect(all.map((d) => [d.day, d.counts.conversations])).toEqual([
        ['2030-01-01', 3],
        ['2030-01-02', 3],
        ['2030-02-01', 3],
      ]);
    } finally {
      await conn.close();
      await store.close();
    }
  });
});

describe('MongoDB tallies of several instances', () => {
  it('counts exactly what three stores on one database add to the same bot and day at once', async () => {
    const uri = server.freshDatabaseUri();
    const stores = await Promise.all([openMongoStore(uri), openMongoStore(uri), openMongoStore(uri)]);
    try {
      const now = new Date('2030-01-01T12:00:00Z');
      await Promise.all(
        stores.flatMap((store) =>
          Array.from({ length: 10 }, async () => {
            const id = newConversationId();
            await store.createConversation({ id, botId: 'demo', visitorId: 'v', origin: 'https://shop.example', now });
            await store.appendMessage({ conversationId: id, clientId: null, sender: 'bot', text: 'Hi!', now });
          }),
        ),
      );
      await Promise.all(stores.map((store) => store.reportDays({ bots: ['demo'], from: '2030-01-01', to: '2030-01-01' }))); // each has written its own
      for (const store of stores) {
        expect((await store.reportDays({ bots: ['demo'], from: '2030-01-01', to: '2030-01-01' }))[0]?.counts).toEqual({ conversations: 30, 'messages.bot': 30 });
      }
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });
});
