// The conversation browser's query (issue 15), held against both adapters: the console's filters
// read metadata only (bot, start, language, the outcomes and intents turns reached, the handover
// flag, ratings), never text; newest first, paged by a keyset that never skips or repeats one.
import { beforeEach, describe, expect, it } from 'vitest';
import { freshStoreEach } from './fresh-store.ts';
import type { ConversationQuery, Store, TurnMeta } from './store.ts';
import { newConversationId, rejectionCode } from './store-contract.ts';
import { newId } from '../chat/ids.ts';

const T0 = new Date('2030-01-01T00:00:00.000Z');
const HOUR = 3_600_000;
const at = (ms: number) => new Date(T0.getTime() + ms);

export function runBrowseContract(name: string, open: () => Promise<Store>): void {
  describe(name, () => {
    const current = freshStoreEach(open);
    let store!: Store;
    beforeEach(() => {
      store = current();
    });

    /** A conversation of `bot` started at `start`, whose turns did what `turns` say. */
    async function conversation(bot: string, start: Date, turns: TurnMeta[] = [], locale = 'en', handover = false): Promise<string> {
      const id = newConversationId();
      await store.createConversation({ id, botId: bot, visitorId: `v-${id}`, origin: 'https://site.example', locale, now: start });
      for (const [n, meta] of turns.entries()) {
        const { message } = await store.appendVisitorMessage({
          conversationId: id, clientId: `c${n}`, sender: 'visitor', text: 'hi', turn: { input: { text: 'hi' }, locale, access: 'public' }, now: start,
        });
        const opens = handover && n === turns.length - 1 ? { handover: { id: newId(), source: 'intent' as const } } : {};
        await store.completeTurn(id, message.id, { meta, replies: [], values: [], state: {}, now: start, ...opens });
      }
      return id;
    }

    const browse = async (query: Partial<ConversationQuery>) =>
      (await store.browseConversations({ bots: 'all', limit: 50, ...query })).map((c) => c.id);

    it('lists conversations newest first, with what each reached', async () => {
      const old = await conversation('demo', at(0), [{ outcome: 'answered', intent: 'pricing' }], 'nb');
      const fresh = await conversation('demo', at(HOUR), [{ outcome: 'fallback' }]);
      expect(await browse({})).toEqual([fresh, old]);
      const [first] = await store.browseConversations({ bots: 'all', limit: 1 });
      expect(first).toMatchObject({ id: fresh, botId: 'demo', createdAt: at(HOUR), locale: 'en', intents: [], outcomes: ['fallback'] });
    });

    it('keeps to the bots asked for: all, a list, or none at all', async () => {
      const demo = await conversation('demo', at(0));
      const shop = await conversation('shop', at(HOUR));
      await conversation('other', at(2 * HOUR));
      expect(await browse({ bots: ['demo', 'shop'] })).toEqual([shop, demo]);
      expect(await browse({ bots: ['shop'] })).toEqual([shop]);
      expect(await browse({ bots: [] })).toEqual([]);
      expect(await browse({})).toHaveLength(3);
    });

    it('filters by start: from inclusive, to exclusive', async () => {
      const a = await conversation('demo', at(0));
      const b = await conversation('demo', at(HOUR));
      const c = await conversation('demo', at(2 * HOUR));
      expect(await browse({ from: at(HOUR) })).toEqual([c, b]);
      expect(await browse({ to: at(HOUR) })).toEqual([a]);
      expect(await browse({ from: at(HOUR), to: at(2 * HOUR) })).toEqual([b]);
    });

    it('filters by language, by an outcome reached and by an intent reached', async () => {
      const nb = await conversation('demo', at(0), [{ outcome: 'answered', intent: 'pricing' }, { outcome: 'fallback' }], 'nb');
      const en = await conversation('demo', at(HOUR), [{ outcome: 'answered', intent: 'hours' }], 'en');
      const refused = await conversation('demo', at(2 * HOUR), [{ outcome: 'refused' }], 'es');
      expect(await browse({ locale: 'nb' })).toEqual([nb]);
      expect(await browse({ outcome: 'answered' })).toEqual([en, nb]);
      expect(await browse({ outcome: 'fallback' })).toEqual([nb]);
      expect(await browse({ outcome: 'refused' })).toEqual([refused]);
      expect(await browse({ intent: 'pricing' })).toEqual([nb]);
      expect(await browse({ intent: 'pricing', locale: 'en' })).toEqual([]);
      expect(await browse({ intent: 'nothing' })).toEqual([]);
    });

    it('filters the conversations handed over, and those whose handover was rated', async () => {
      const plain = await conversation('demo', at(0), [{ outcome: 'answered', intent: 'hours' }]);
      const handed = await conversation('demo', at(HOUR), [{ outcome: 'handover', intent: 'human' }], 'en', true);
      const rated = await conversation('demo', at(2 * HOUR), [{ outcome: 'handover', intent: 'human' }], 'en', true);
      const handover = (await store.openHandoverOf(rated))!;
      const resolved = await store.transitionHandover(handover.id, handover.version, { state: 'resolved', endedAt: at(3 * HOUR), resolution: 'answered' });
      expect(await store.rateHandover(resolved!.id, 5, null)).toBe(true);
      expect(await browse({ handedOver: true })).toEqual([rated, handed]);
      expect(await browse({ rated: true })).toEqual([rated]);
      expect(await browse({ rated: true, bots: ['shop'] })).toEqual([]);
      expect(await browse({})).toEqual([rated, handed, plain]);
    });

    it('pages newest first without skipping or repeating one, also among conversations started at the same instant', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 7; i++) ids.push(await conversation('demo', at(i < 4 ? 0 : HOUR)));
      const all = await store.browseConversations({ bots: 'all', limit: 100 });
      const seen: string[] = [];
      let before: ConversationQuery['before'];
      for (;;) {
        const page = await store.browseConversations({ bots: 'all', limit: 3, ...(before ? { before } : {}) });
        seen.push(...page.map((c) => c.id));
        if (page.length < 3) break;
        const last = page.at(-1)!;
        before = { createdAt: last.createdAt, id: last.id };
      }
      expect(seen).toEqual(all.map((c) => c.id));
      expect(new Set(seen).size).toBe(7);
    });

    it('reads metadata only: a conversation whose messages expired is still found by what it reached', async () => {
      const id = await conversation('demo', at(0), [{ outcome: 'fallback' }]);
      await store.sweep({ botId: 'demo', messageTtlMs: 1000 }, at(HOUR));
      expect(await store.listMessages(id, 0, 10)).toEqual([]);
      expect(await browse({ outcome: 'fallback' })).toEqual([id]);
    });

    it('does not list deleted or archived conversations', async () => {
      const deleted = await conversation('demo', at(0));
      const archived = await conversation('demo', at(0));
      const live = await conversation('demo', at(400 * 24 * HOUR));
      await store.deleteConversation(deleted);
      await store.sweep({ botId: 'demo', inactiveAfterMs: 24 * HOUR, archive: true }, at(400 * 24 * HOUR));
      expect(await browse({})).toEqual([live]);
      expect(await store.getConversation(archived)).toBeNull();
    });

    it('treats hostile filter values as data, never as query', async () => {
      await conversation('demo', at(0), [{ outcome: 'answered', intent: 'pricing' }]);
      const hostile = [`' OR 1=1--`, '{"$gt":""}', '{"$ne":null}', '$where', 'a.b', '__proto__'];
      for (const value of hostile) {
        expect(await browse({ intent: value })).toEqual([]);
        expect(await browse({ locale: value })).toEqual([]);
        expect(await browse({ bots: [value] })).toEqual([]);
      }
      const operator = { $ne: null } as unknown as string;
      expect(await rejectionCode(store.browseConversations({ bots: 'all', limit: 5, intent: operator }))).toBe('invalid_argument');
      expect(await rejectionCode(store.browseConversations({ bots: 'all', limit: 5, outcome: 'won' as never }))).toBe('invalid_argument');
      expect(await rejectionCode(store.browseConversations({ bots: 'all', limit: -1 }))).toBe('invalid_argument');
      expect(await rejectionCode(store.browseConversations({ bots: 'all', limit: 5, from: new Date(NaN) }))).toBe('invalid_argument');
    });
  });
}
