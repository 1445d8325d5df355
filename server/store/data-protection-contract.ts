// The data-protection contract (DataProtectionStore, data-protection-store.ts) both adapters are
// held to: a conversation read whole, live or archived; the conversations of one verified visitor;
// a bot's settings saved version by version, with one winner per version however many race.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from './store.ts';
import { newConversationId, rejectionCode } from './store-contract.ts';
import { newId } from '../chat/ids.ts';

const T0 = new Date('2030-01-01T00:00:00.000Z');
const DAY = 86_400_000;
const at = (offsetMs: number) => new Date(T0.getTime() + offsetMs);

/** Racing savers per round, and rounds. */
const RACERS = 10;
const ROUNDS = 10;

export function runDataProtectionContract(name: string, open: () => Promise<Store>): void {
  describe(name, () => {
    let store: Store;

    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    async function conversation(opts: { botId?: string; subject?: string; now?: Date } = {}): Promise<string> {
      const id = newConversationId();
      const { botId = 'demo', subject, now = T0 } = opts;
      await store.createConversation({ id, botId, visitorId: `v-${id}`, origin: 'https://shop.example', now, ...(subject !== undefined ? { subject } : {}) });
      return id;
    }

    /** A conversation holding one of everything: messages of every sender, a value, a resolved handover with a note. */
    async function fullConversation(subject?: string): Promise<string> {
      const id = await conversation({ ...(subject !== undefined ? { subject } : {}) });
      await store.appendMessage({ conversationId: id, clientId: 'c1', sender: 'visitor', text: 'my order 4711', now: at(1) });
      await store.appendMessage({ conversationId: id, clientId: null, sender: 'bot', text: 'Which e-mail?', quickReplies: [{ label: 'Skip', action: 'intent:skip' }], now: at(2) });
      await store.putValue(id, { key: 'email', value: 'ada@example.com', pii: 'contact', now: at(3) });
      const { handover } = await store.openHandover({ id: newId(), conversationId: id, source: 'intent', now: at(4) });
      await store.appendMessage({ conversationId: id, clientId: null, sender: 'operator', author: 'Grace', text: 'Hello, Grace here', now: at(5) });
      await store.addHandoverNote({ id: newId(), handoverId: handover.id, authorId: 'op-1', text: 'wants a refund', createdAt: at(6) });
      const taken = await store.transitionHandover(handover.id, 1, { state: 'assigned', assigneeId: 'op-1', assignedAt: at(5) });
      await store.transitionHandover(handover.id, taken!.version, { state: 'resolved', endedAt: at(7), resolution: 'answered', resolutionNote: 'refunded' });
      await store.rateHandover(handover.id, 5, 'quick and kind');
      return id;
    }

    describe('reading a conversation whole', () => {
      it('reads a live conversation with its messages, values, handovers and notes, oldest first', async () => {
        const id = await fullConversation('user-42');
        const record = await store.readConversation(id);
        expect(record).not.toBeNull();
        expect(record!.archivedAt).toBeNull();
        expect(record!.conversation).toMatchObject({ id, botId: 'demo', origin: 'https://shop.example', subject: 'user-42' });
        expect(record!.messages.map((m) => [m.id, m.sender, m.text])).toEqual([
          [1, 'visitor', 'my order 4711'],
          [2, 'bot', 'Which e-mail?'],
          [3, 'operator', 'Hello, Grace here'],
        ]);
        expect(record!.messages[1]!.quickReplies).toEqual([{ label: 'Skip', action: 'intent:skip' }]);
        expect(record!.messages[2]!.author).toBe('Grace');
        expect(record!.values).toEqual([{ key: 'email', value: 'ada@example.com', pii: 'contact', createdAt: at(3) }]);
        expect(record!.handovers).toHaveLength(1);
        expect(record!.handovers[0]!.handover).toMatchObject({ state: 'resolved', resolutionNote: 'refunded', rating: 5, ratingComment: 'quick and kind' });
        expect(record!.handovers[0]!.notes.map((n) => n.text)).toEqual(['wants a refund']);
      });

      it('reads an archived conversation from the archive, with when it was archived', async () => {
        const id = await fullConversation();
        const live = await store.readConversation(id);
        await store.sweep({ botId: 'demo', inactiveAfterMs: DAY, archive: true }, at(2 * DAY));
        expect(await store.getConversation(id)).toBeNull();
        const archived = await store.readConversation(id);
        expect(archived!.archivedAt).toEqual(at(2 * DAY));
        expect({ ...archived!, archivedAt: null }).toEqual(live);
      });

      it('is null for an unknown id, a deleted conversation and one swept away without an archive', async () => {
        expect(await store.readConversation(newConversationId())).toBeNull();
        const deleted = await fullConversation();
        await store.deleteConversation(deleted);
        expect(await store.readConversation(deleted)).toBeNull();
        const swept = await fullConversation();
        await store.sweep({ botId: 'demo', inactiveAfterMs: DAY, archive: false }, at(2 * DAY));
        expect(await store.readConversation(swept)).toBeNull();
      });

      it('reads a conversation another bot or an id-shaped operator names as nothing but itself', async () => {
        const id = await fullConversation();
        expect(await store.readConversation({ $ne: null } as unknown as string)).toBeNull();
        expect(await store.readConversation(`${id}' OR 1=1--`)).toBeNull();
      });
    });

    describe('the verified visitor of a conversation', () => {
      it('is kept from creation, and null for an anonymous conversation', async () => {
        const signed = await conversation({ subject: 'user-42' });
        const anonymous = await conversation();
        expect((await store.getConversation(signed))?.subject).toBe('user-42');
        expect((await store.getConversation(anonymous))?.subject).toBeNull();
      });

      it('is set once by an update: a conversation signed in to stays that person’s', async () => {
        const id = await conversation();
        await store.updateConversation(id, { subject: 'user-42' });
        await store.updateConversation(id, { subject: 'someone-else' });
        expect((await store.getConversation(id))?.subject).toBe('user-42');
      });

      it('lists one bot’s conversations of one visitor, live and archived, oldest first, and no other', async () => {
        const old = await conversation({ subject: 'user-42', now: T0 });
        await store.sweep({ botId: 'demo', inactiveAfterMs: DAY, archive: true }, at(2 * DAY));
        const recent = await conversation({ subject: 'user-42', now: at(3 * DAY) });
        const signedInLater = await conversation({ now: at(4 * DAY) });
        await store.updateConversation(signedInLater, { subject: 'user-42' });
        await conversation({ subject: 'user-43', now: at(3 * DAY) });
        await conversation({ botId: 'other', subject: 'user-42', now: at(3 * DAY) });
        await conversation({ now: at(3 * DAY) });

        expect(await store.conversationsOfSubject('demo', 'user-42')).toEqual([old, recent, signedInLater]);
        expect(await store.conversationsOfSubject('demo', 'nobody')).toEqual([]);
        expect(await store.conversationsOfSubject('demo', { $ne: null } as unknown as string)).toEqual([]);
        expect(await store.conversationsOfSubject('demo', "' OR 1=1--")).toEqual([]);

        await store.deleteConversation(old);
        await store.deleteConversation(recent);
        expect(await store.conversationsOfSubject('demo', 'user-42')).toEqual([signedInLater]);
      });
    });

    describe('bot settings', () => {
      const saved = (version: number, settings: Record<string, unknown> = { storeConversations: version % 2 === 0 }, botId = 'demo') => ({
        botId,
        version,
        settings,
        savedAt: at(version),
        savedBy: 'admin-1',
      });

      it('reads null until a version is saved, then the newest', async () => {
        expect(await store.botSettings('demo')).toBeNull();
        expect(await store.saveBotSettings(saved(1))).toBe(true);
        expect(await store.botSettings('demo')).toEqual(saved(1));
        expect(await store.saveBotSettings(saved(2))).toBe(true);
        expect(await store.botSettings('demo')).toEqual(saved(2));
        expect(await store.botSettings('other')).toBeNull();
      });

      it('keeps the settings as given: nested objects, and keys a query would read as operators', async () => {
        const settings = { businessHours: { timeZone: 'Europe/Oslo', weekly: { monday: [['08:00', '17:00']] } }, $where: 'x', 'a.b': 1, list: [1, null] };
        expect(await store.saveBotSettings(saved(1, settings))).toBe(true);
        expect((await store.botSettings('demo'))?.settings).toEqual(settings);
      });

      it('saves a version once, only right after the newest', async () => {
        expect(await store.saveBotSettings(saved(2))).toBe(false);
        expect(await store.saveBotSettings(saved(1))).toBe(true);
        expect(await store.saveBotSettings(saved(1, { storeConversations: true }))).toBe(false);
        expect(await store.saveBotSettings(saved(3))).toBe(false);
        expect(await store.botSettings('demo')).toEqual(saved(1));
        expect(await store.saveBotSettings(saved(1, {}, 'other'))).toBe(true);
      });

      it(`of ${RACERS} savers racing for one version, exactly one wins (${ROUNDS} rounds)`, async () => {
        for (let version = 1; version <= ROUNDS; version++) {
          const results = await Promise.all(
            Array.from({ length: RACERS }, (_, i) => store.saveBotSettings(saved(version, { saver: i }))),
          );
          expect(results.filter(Boolean)).toHaveLength(1);
          const winner = results.indexOf(true);
          expect((await store.botSettings('demo'))?.settings).toEqual({ saver: winner });
        }
      });

      it('refuses a version below 1 and settings that are not a plain object', async () => {
        expect(await rejectionCode(store.saveBotSettings(saved(0)))).toBe('invalid_argument');
        expect(await rejectionCode(store.saveBotSettings(saved(1.5)))).toBe('invalid_argument');
        expect(await rejectionCode(store.saveBotSettings({ ...saved(1), settings: [] as unknown as Record<string, unknown> }))).toBe('invalid_argument');
        expect(await rejectionCode(store.saveBotSettings({ ...saved(1), settings: null as unknown as Record<string, unknown> }))).toBe('invalid_argument');
        expect(await store.botSettings('demo')).toBeNull();
      });
    });
  });
}
