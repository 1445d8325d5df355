// What can be checked of the MongoDB adapter without a server: the indexes its schemas declare
// (built when the store opens) and that documents the adapter writes pass schema validation.
// The adapter itself runs against a server in mongo.test.ts.
import mongoose from 'mongoose';
import { afterAll, describe, expect, it } from 'vitest';
import { defineModels } from './mongo-models.ts';

const conn = mongoose.createConnection();
const models = defineModels(conn);
afterAll(() => conn.close());

function indexesOf(model: { schema: mongoose.Schema }) {
  return model.schema.indexes();
}

describe('MongoDB schemas', () => {
  it('declare plain unique indexes on (conversation, id) and (conversation, idempotency key), live and archived', () => {
    // Plain, not partial: FerretDB has no partial indexes, and the adapter takes ids by inserting.
    for (const model of [models.messages, models.archivedMessages]) {
      expect(indexesOf(model)).toContainEqual([{ conversationId: 1, id: 1 }, expect.objectContaining({ unique: true })]);
      expect(indexesOf(model)).toContainEqual([{ conversationId: 1, idempotencyKey: 1 }, expect.objectContaining({ unique: true })]);
    }
  });

  it('declare no TTL or partial index (FerretDB has neither; sweep() applies retention on both stores)', () => {
    for (const model of Object.values(models)) {
      for (const [, options] of indexesOf(model)) {
        expect(options).not.toHaveProperty('expireAfterSeconds');
        expect(options).not.toHaveProperty('partialFilterExpression');
      }
    }
  });

  it('index conversations by bot and activity for the inactivity sweep', () => {
    expect(indexesOf(models.conversations)).toContainEqual([
      { botId: 1, lastActivityAt: 1 },
      expect.anything(),
    ]);
  });

  it('index archived conversations by bot and archiving time for the archive\'s own retention', () => {
    expect(indexesOf(models.archivedConversations)).toContainEqual([{ botId: 1, archivedAt: 1 }, expect.anything()]);
    expect(indexesOf(models.conversations)).not.toContainEqual([{ botId: 1, archivedAt: 1 }, expect.anything()]);
  });

  it('accept empty text and null client ids, and refuse unknown senders and fields', async () => {
    const ok = new models.messages({
      conversationId: 'c',
      id: 1,
      clientId: null,
      idempotencyKey: 'id:1',
      sender: 'bot',
      text: '',
      botId: 'demo',
      createdAt: new Date(),
    });
    await expect(ok.validate()).resolves.toBeUndefined();
    const badSender = new models.messages({ conversationId: 'c', id: 1, sender: 'admin', text: 'x' });
    await expect(badSender.validate()).rejects.toThrow(/sender/);
    expect(() => new models.messages({ conversationId: 'c', id: 1, sender: 'bot', text: 'x', role: 'admin' })).toThrow();
  });

  it('accept an operator message with its author and a system notice, and refuse unknown notices', async () => {
    const base = { conversationId: 'c', id: 1, clientId: null, idempotencyKey: 'id:1', text: 'x', botId: 'demo', createdAt: new Date() };
    await expect(new models.messages({ ...base, sender: 'operator', author: 'Ada' }).validate()).resolves.toBeUndefined();
    const left = new models.messages({ ...base, sender: 'system', notice: { kind: 'operator-left', name: 'Ada', rate: true } });
    await expect(left.validate()).resolves.toBeUndefined();
    await expect(new models.messages({ ...base, sender: 'system', notice: { kind: 'hacked', name: 'x' } }).validate()).rejects.toThrow(/kind/);
  });

  it('declare the plain unique indexes that decide handover races: one open per conversation (openKey), one marker per version', () => {
    for (const model of [models.handovers, models.archivedHandovers]) {
      expect(indexesOf(model)).toContainEqual([{ openKey: 1 }, expect.objectContaining({ unique: true })]);
    }
    // The marker's _id is `<handoverId>#<version>`: the _id index is the arbiter, nothing else is unique.
    expect(indexesOf(models.handoverTransitions).every(([, options]) => options?.unique !== true)).toBe(true);
  });

  it('keep a conversation id as the string given, operator-shaped or not', async () => {
    const doc = new models.conversations({ _id: '{"$gt":""}', botId: 'demo', state: '{}' });
    expect(doc._id).toBe('{"$gt":""}');
    await expect(doc.validate()).resolves.toBeUndefined();
  });
});
