// The handover contract on the MongoDB adapter, against FerretDB (started here) or the MongoDB that
// MONGODB_URI names; each test opens the store on a fresh database. Plus what only the documents
// show: a transition whose writer died between its marker and its update is finished by the next
// caller once it has been stuck long enough, and never before.
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMongoStore } from './mongo.ts';
import { STUCK_TRANSITION_MS } from './mongo-handovers.ts';
import { runHandoverContract } from './handover-contract.ts';
import { newConversationId } from './store-contract.ts';
import { startMongoServer, type MongoServer } from '../../test/helpers/mongodb.ts';
import { readMongoArchivedHandovers } from '../../test/helpers/data-files.ts';

let server: MongoServer;
beforeAll(async () => {
  server = await startMongoServer();
});
afterAll(() => server?.stop());

runHandoverContract('MongoDB handover contract', async () => {
  const uri = server.freshDatabaseUri();
  return { store: await openMongoStore(uri), readArchivedHandovers: readMongoArchivedHandovers(uri) };
});

describe('MongoDB handover transitions after a crash', () => {
  it('finishes a transition left half-done (marker, no update) once it is stuck, and not before', async () => {
    const uri = server.freshDatabaseUri();
    const store = await openMongoStore(uri);
    const conn = await mongoose.createConnection(uri).asPromise();
    try {
      const conversationId = newConversationId();
      await store.createConversation({ id: conversationId, botId: 'demo', visitorId: 'v', origin: 'https://shop.example' });
      const { handover } = await store.openHandover({ id: newConversationId(), conversationId, source: 'intent' });
      const markers = conn.db!.collection<{ _id: string; [field: string]: unknown }>('handover_transitions');
      // What a writer that died after its marker leaves behind: the marker of version 2, the handover at version 1.
      const marker = { _id: `${handover.id}#2`, handoverId: handover.id, conversationId, patch: { state: 'assigned', assigneeId: 'op-dead', version: 2 } };
      await markers.insertOne({ ...marker, at: new Date() });
      expect(await store.transitionHandover(handover.id, 1, { state: 'assigned', assigneeId: 'op-live' })).toBeNull();
      expect(await store.getHandover(handover.id)).toEqual(handover); // a live writer may still be at it

      await markers.updateOne({ _id: marker._id }, { $set: { at: new Date(Date.now() - STUCK_TRANSITION_MS - 1000) } });
      expect(await store.transitionHandover(handover.id, 1, { state: 'assigned', assigneeId: 'op-live' })).toBeNull();
      const finished = await store.getHandover(handover.id);
      expect(finished).toMatchObject({ state: 'assigned', assigneeId: 'op-dead', version: 2 });
      // …and the handover moves on from there.
      expect(await store.transitionHandover(handover.id, 2, { assigneeId: 'op-live' })).toMatchObject({ assigneeId: 'op-live', version: 3 });
    } finally {
      await conn.close();
      await store.close();
    }
  });
});
