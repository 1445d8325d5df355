// What each turn did, as the store keeps it (issue 15): per visitor message whose turn completed, its
// outcome and the intent reached; per conversation, its language and every intent and outcome its
// turns reached. Metadata without text, for the console's filters and the reports. Held against
// both adapters like the rest of the turn contract.
import { beforeEach, describe, expect, it } from 'vitest';
import { freshStoreEach } from './fresh-store.ts';
import type { Store, TurnMeta, TurnOutcome, TurnRequest } from './store.ts';
import { newConversationId, rejectionCode } from './store-contract.ts';
import { newId } from '../chat/ids.ts';

const T0 = new Date('2030-01-01T00:00:00.000Z');
const DAY = 86_400_000;
const at = (ms: number) => new Date(T0.getTime() + ms);

const TURN: TurnRequest = { input: { text: 'hello' }, locale: 'en', access: 'public' };

function done(meta: TurnMeta, extra: Partial<TurnOutcome> = {}): TurnOutcome {
  return { meta, replies: [{ sender: 'bot', text: 'reply' }], values: [], state: {}, ...extra };
}

export function runTurnMetaContract(name: string, open: () => Promise<Store>): void {
  describe(name, () => {
    const current = freshStoreEach(open);
    let store!: Store;
    beforeEach(() => {
      store = current();
    });

    async function conversation(locale?: string, now = T0): Promise<string> {
      const id = newConversationId();
      await store.createConversation({ id, botId: 'demo', visitorId: `v-${id}`, origin: 'https://site.example', now, ...(locale ? { locale } : {}) });
      return id;
    }

    /** A visitor message and its completed turn; the message's id. */
    async function turn(id: string, meta: TurnMeta, extra: Partial<TurnOutcome> = {}, now = T0): Promise<number> {
      const { message } = await store.appendVisitorMessage({ conversationId: id, clientId: newId(), sender: 'visitor', text: 'hi', turn: TURN, now });
      await store.completeTurn(id, message.id, done(meta, { now, ...extra }));
      return message.id;
    }

    it('keeps each completed turn\'s outcome and intent with the visitor message, in message order', async () => {
      const id = await conversation('en');
      const first = await turn(id, { outcome: 'answered', intent: 'pricing' }, {}, at(1000));
      const second = await turn(id, { outcome: 'fallback' }, {}, at(2000));
      const third = await turn(id, { outcome: 'silent' }, {}, at(3000));
      expect(await store.listTurnMeta(id)).toEqual([
        { messageId: first, outcome: 'answered', intent: 'pricing', at: at(1000) },
        { messageId: second, outcome: 'fallback', intent: null, at: at(2000) },
        { messageId: third, outcome: 'silent', intent: null, at: at(3000) },
      ]);
    });

    it('keeps nothing for a turn still pending, and for an unknown conversation', async () => {
      const id = await conversation();
      await store.appendVisitorMessage({ conversationId: id, clientId: 'c1', sender: 'visitor', text: 'hi', turn: TURN });
      expect(await store.listTurnMeta(id)).toEqual([]);
      expect(await store.listTurnMeta('no-such-conversation')).toEqual([]);
    });

    it('records a turn\'s metadata once: completing it again changes neither the message\'s nor the conversation\'s', async () => {
      const id = await conversation();
      const { message } = await store.appendVisitorMessage({ conversationId: id, clientId: 'c1', sender: 'visitor', text: 'hi', turn: TURN, now: T0 });
      await store.completeTurn(id, message.id, done({ outcome: 'answered', intent: 'pricing' }, { locale: 'nb', now: T0 }));
      await store.completeTurn(id, message.id, done({ outcome: 'refused', intent: 'secret' }, { locale: 'es', now: T0 }));
      expect(await store.listTurnMeta(id)).toEqual([{ messageId: message.id, outcome: 'answered', intent: 'pricing', at: T0 }]);
      const after = await store.getConversation(id);
      expect([after?.locale, after?.intents, after?.outcomes]).toEqual(['nb', ['pricing'], ['answered']]);
    });

    it('a conversation starts with its language and no intents or outcomes; without a language it is null', async () => {
      const id = await conversation('nb');
      expect(await store.getConversation(id)).toMatchObject({ locale: 'nb', intents: [], outcomes: [] });
      expect((await store.getConversation(await conversation()))?.locale).toBeNull();
    });

    it('gathers every intent and outcome the conversation\'s turns reached, each once, first reached first', async () => {
      const id = await conversation('en');
      await turn(id, { outcome: 'fallback' });
      await turn(id, { outcome: 'answered', intent: 'pricing' });
      await turn(id, { outcome: 'answered', intent: 'hours' });
      await turn(id, { outcome: 'answered', intent: 'pricing' });
      await turn(id, { outcome: 'handover', intent: 'human' }, { handover: { id: newId(), source: 'intent' } });
      await turn(id, { outcome: 'silent' });
      const after = await store.getConversation(id);
      expect(after?.intents).toEqual(['pricing', 'hours', 'human']);
      expect(after?.outcomes).toEqual(['fallback', 'answered', 'handover', 'silent']);
    });

    it('takes the language of the latest turn as the conversation\'s', async () => {
      const id = await conversation('en');
      await turn(id, { outcome: 'answered', intent: 'hours' }, { locale: 'es' });
      expect((await store.getConversation(id))?.locale).toBe('es');
      await turn(id, { outcome: 'fallback' }); // a turn that names no language leaves it
      expect((await store.getConversation(id))?.locale).toBe('es');
    });

    it('keeps hostile intent names as data', async () => {
      const id = await conversation();
      const hostile = ['{"$gt":""}', "x' OR 1=1--", '$where', 'a.b', '__proto__'];
      for (const intent of hostile) await turn(id, { outcome: 'answered', intent });
      expect((await store.listTurnMeta(id)).map((m) => m.intent)).toEqual(hostile);
      expect((await store.getConversation(id))?.intents).toEqual(hostile);
    });

    it('refuses an unknown outcome or a non-string intent, storing nothing of the turn', async () => {
      const id = await conversation();
      const { message } = await store.appendVisitorMessage({ conversationId: id, clientId: 'c1', sender: 'visitor', text: 'hi', turn: TURN });
      const bad = [{ outcome: 'won' }, { outcome: { $ne: null } }, { outcome: 'answered', intent: { $gt: '' } }] as unknown as TurnMeta[];
      for (const meta of bad) expect(await rejectionCode(store.completeTurn(id, message.id, done(meta)))).toBe('invalid_argument');
      expect(await store.listTurnMeta(id)).toEqual([]);
      expect((await store.listMessages(id, 0, 10)).map((m) => m.sender)).toEqual(['visitor']);
      expect(await store.nextTurn(id)).not.toBeNull();
      expect((await store.getConversation(id))?.outcomes).toEqual([]);
    });

    it('clearing (storage off) and the message TTL take a message\'s metadata along; the conversation\'s stays', async () => {
      const cleared = await conversation('nb');
      await turn(cleared, { outcome: 'answered', intent: 'pricing' });
      await store.clearConversation(cleared);
      expect(await store.listTurnMeta(cleared)).toEqual([]);
      expect(await store.getConversation(cleared)).toMatchObject({ locale: 'nb', intents: ['pricing'], outcomes: ['answered'] });

      const expired = await conversation('en');
      await turn(expired, { outcome: 'fallback' }, {}, T0);
      const kept = await turn(expired, { outcome: 'answered', intent: 'hours' }, {}, at(2 * DAY));
      await store.sweep({ botId: 'demo', messageTtlMs: DAY }, at(2 * DAY + 1000));
      expect((await store.listTurnMeta(expired)).map((m) => m.messageId)).toEqual([kept]);
      expect((await store.getConversation(expired))?.outcomes).toEqual(['fallback', 'answered']);
    });

    it('deleting a conversation removes its metadata with it', async () => {
      const id = await conversation('en');
      await turn(id, { outcome: 'answered', intent: 'pricing' });
      await store.deleteConversation(id);
      expect(await store.listTurnMeta(id)).toEqual([]);
      expect(await store.getConversation(id)).toBeNull();
    });
  });
}
