// The report contract on the MongoDB adapter, against FerretDB (started here) or the MongoDB that
// MONGODB_URI names; each test opens the store on a fresh database. Plus what only this adapter
// has: several stores (instances) counting the same bot and day at once.
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
      await Promise.all(stores.map((store) => store.reportDays({ bots: 'all', from: '2030-01-01', to: '2030-01-01' }))); // each has written its own
      for (const store of stores) {
        expect((await store.reportDays({ bots: ['demo'], from: '2030-01-01', to: '2030-01-01' }))[0]?.counts).toEqual({ conversations: 30, 'messages.bot': 30 });
      }
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });
});
