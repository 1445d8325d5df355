// The one contract both store adapters are held to. Each adapter's test file calls
// runStoreContract with a function that opens a fresh, empty store (and a way to read its archive
// from outside the store); every case gets its own.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store, SweepResult } from './store.ts';
import { storeErrorCode } from './errors.ts';
import { newId } from '../chat/ids.ts';

const T0 = new Date('2030-01-01T00:00:00.000Z');
const SECOND = 1000;
const DAY = 86_400_000;

function at(offsetMs: number): Date {
  return new Date(T0.getTime() + offsetMs);
}

/** A conversation id as the server makes them. */
export function newConversationId(): string {
  return newId();
}

/** What an adapter's archive holds for one conversation: message texts and `key=value` of its values. */
export interface ArchivedCopy {
  conversation: boolean;
  messages: string[];
  values: string[];
}

export const NOT_ARCHIVED: ArchivedCopy = { conversation: false, messages: [], values: [] };

export interface ContractSubject {
  store: Store;
  /**
   * Reads the archive the way an auditor would, from its own file or collections and never through
   * the store, so a test sees what is really kept there.
   */
  readArchive(conversationId: string): Promise<ArchivedCopy>;
}

const NOTHING_SWEPT: SweepResult = {
  messagesDeleted: 0,
  valuesDeleted: 0,
  conversationsArchived: 0,
  conversationsDeleted: 0,
  archivedConversationsDeleted: 0,
  handoverTextsDeleted: 0,
};

/** The store error code a promise rejects with ('resolved' when it does not), for the contracts. */
export async function rejectionCode(promise: Promise<unknown>): Promise<string | null> {
  try {
    await promise;
  } catch (err) {
    return storeErrorCode(err) ?? 'not a store error';
  }
  return 'resolved';
}

export function runStoreContract(name: string, open: () => Promise<ContractSubject>): void {
  describe(name, () => {
    let store: Store;
    let readArchive: ContractSubject['readArchive'];

    beforeEach(async () => {
      ({ store, readArchive } = await open());
    });
    afterEach(async () => {
      await store.close();
    });

    async function conversation(botId = 'demo', now = T0): Promise<string> {
      const id = newConversationId();
      await store.createConversation({ id, botId, visitorId: `v-${id}`, origin: 'https://site.example', now });
      return id;
    }

    describe('conversations', () => {
      it('creates a conversation and reads it back', async () => {
        const id = newConversationId();
        const created = await store.createConversation({
          id,
          botId: 'demo',
          visitorId: 'visitor-1',
          origin: 'https://site.example',
          locale: 'nb',
          now: T0,
        });
        const expected = {
          id,
          botId: 'demo',
          visitorId: 'visitor-1',
          origin: 'https://site.example',
          createdAt: T0,
          lastActivityAt: T0,
          handover: false,
          state: {},
          subject: null,
          locale: 'nb',
          intents: [],
          outcomes: [],
        };
        expect(created).toEqual(expected);
        expect(await store.getConversation(id)).toEqual(expected);
      });

      it('refuses a second conversation with the same id', async () => {
        const id = await conversation();
        const code = await rejectionCode(
          store.createConversation({ id, botId: 'other', visitorId: 'x', origin: 'https://evil.example' }),
        );
        expect(code).toBe('duplicate_conversation');
        expect((await store.getConversation(id))?.botId).toBe('demo');
      });

      it('returns null for an unknown id', async () => {
        await conversation();
        expect(await store.getConversation(newConversationId())).toBeNull();
        expect(await store.getConversation('')).toBeNull();
      });

      it('updates dialog state, handover and activity', async () => {
        const id = await conversation();
        const state = { form: 'contact', slot: 'email', streak: 2, nested: { list: [1, 'two', null] } };
        await store.updateConversation(id, { state });
        await store.updateConversation(id, { handover: true });
        await store.updateConversation(id, { lastActivityAt: at(5 * SECOND) });
        const read = await store.getConversation(id);
        expect(read?.state).toEqual(state);
        expect(read?.handover).toBe(true);
        expect(read?.lastActivityAt).toEqual(at(5 * SECOND));
        await store.updateConversation(id, { handover: false, state: {} });
        const again = await store.getConversation(id);
        expect(again?.handover).toBe(false);
        expect(again?.state).toEqual({});
      });

      it('ignores an update of an unknown conversation without creating it', async () => {
        const id = newConversationId();
        await store.updateConversation(id, { handover: true, state: { a: 1 } });
        expect(await store.getConversation(id)).toBeNull();
      });
    });

    describe('messages', () => {
      it('numbers messages 1, 2, 3… and returns them as stored', async () => {
        const id = await conversation();
        const ids: number[] = [];
        for (let i = 0; i < 5; i++) {
          const { message, created } = await store.appendMessage({
            conversationId: id,
            clientId: i % 2 === 0 ? `c${i}` : null,
            sender: i % 2 === 0 ? 'visitor' : 'bot',
            text: `text ${i}`,
            now: at(i * SECOND),
          });
          expect(created).toBe(true);
          expect(message).toEqual({
            id: i + 1,
            conversationId: id,
            clientId: i % 2 === 0 ? `c${i}` : null,
            sender: i % 2 === 0 ? 'visitor' : 'bot',
            text: `text ${i}`,
            createdAt: at(i * SECOND).toISOString(),
          });
          ids.push(message.id);
        }
        expect(ids).toEqual([1, 2, 3, 4, 5]);
        expect((await store.listMessages(id, 0, 100)).map((m) => m.text)).toEqual([0, 1, 2, 3, 4].map((i) => `text ${i}`));
      });

      it('keeps ids unique and gapless under 50 concurrent appends', async () => {
        const id = await conversation();
        const results = await Promise.all(
          Array.from({ length: 50 }, (_, i) =>
            store.appendMessage({ conversationId: id, clientId: `c${i}`, sender: 'visitor', text: `m${i}` }),
          ),
        );
        const ids = results.map((r) => r.message.id).sort((a, b) => a - b);
        expect(ids).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
        const listed = await store.listMessages(id, 0, 1000);
        expect(listed.map((m) => m.id)).toEqual(ids);
        // Each stored message is the one its append returned.
        for (const { message } of results) expect(listed[message.id - 1]).toEqual(message);
      });

      it('stores the good appends of a concurrent batch when some of it fails', async () => {
        const id = await conversation();
        const outcomes = await Promise.allSettled([
          store.appendMessage({ conversationId: id, clientId: 'a', sender: 'visitor', text: 'a' }),
          store.appendMessage({ conversationId: newConversationId(), clientId: 'x', sender: 'visitor', text: 'lost' }),
          store.appendMessage({ conversationId: id, clientId: 'b', sender: 'visitor', text: 'b' }),
          store.appendMessage({ conversationId: id, clientId: 'y', sender: 'nobody' as 'bot', text: 'bad sender' }),
          store.appendMessage({ conversationId: id, clientId: 'c', sender: 'visitor', text: 'c' }),
        ]);
        expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled']);
        const listed = await store.listMessages(id, 0, 10);
        expect(listed.map((m) => m.text).sort()).toEqual(['a', 'b', 'c']);
        expect(listed.map((m) => m.id)).toEqual([1, 2, 3]);
      });

      it('returns the stored message for a repeated clientId, without a second row', async () => {
        const id = await conversation();
        const first = await store.appendMessage({ conversationId: id, clientId: 'k1', sender: 'visitor', text: 'hello', now: T0 });
        const repeat = await store.appendMessage({
          conversationId: id,
          clientId: 'k1',
          sender: 'visitor',
          text: 'a different text',
          now: at(SECOND),
        });
        expect(repeat.created).toBe(false);
        expect(repeat.message).toEqual(first.message);
        expect(await store.listMessages(id, 0, 100)).toEqual([first.message]);
        const next = await store.appendMessage({ conversationId: id, clientId: 'k2', sender: 'visitor', text: 'next' });
        expect(next.message.id).toBe(2);
      });

      it('stores one message when the same clientId arrives concurrently', async () => {
        const id = await conversation();
        const results = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            store.appendMessage({ conversationId: id, clientId: 'same', sender: 'visitor', text: `try ${i}` }),
          ),
        );
        expect(results.filter((r) => r.created)).toHaveLength(1);
        const stored = await store.listMessages(id, 0, 100);
        expect(stored).toHaveLength(1);
        for (const r of results) expect(r.message).toEqual(stored[0]);
      });

      it('scopes clientId to its conversation', async () => {
        const a = await conversation();
        const b = await conversation();
        const inA = await store.appendMessage({ conversationId: a, clientId: 'shared', sender: 'visitor', text: 'in a' });
        const inB = await store.appendMessage({ conversationId: b, clientId: 'shared', sender: 'visitor', text: 'in b' });
        expect(inA.created && inB.created).toBe(true);
        expect(inA.message.id).toBe(1);
        expect(inB.message.id).toBe(1);
        expect((await store.listMessages(b, 0, 10)).map((m) => m.text)).toEqual(['in b']);
      });

      it('allows any number of bot messages without a clientId', async () => {
        const id = await conversation();
        for (let i = 0; i < 3; i++) {
          const r = await store.appendMessage({ conversationId: id, clientId: null, sender: 'bot', text: 'same text' });
          expect(r.created).toBe(true);
        }
        expect(await store.listMessages(id, 0, 10)).toHaveLength(3);
      });

      it('lists messages after an id, ascending, at most limit', async () => {
        const id = await conversation();
        for (let i = 1; i <= 5; i++) {
          await store.appendMessage({ conversationId: id, clientId: `c${i}`, sender: 'visitor', text: `t${i}` });
        }
        const ids = async (after: number, limit: number) => (await store.listMessages(id, after, limit)).map((m) => m.id);
        expect(await ids(0, 2)).toEqual([1, 2]);
        expect(await ids(2, 10)).toEqual([3, 4, 5]);
        expect(await ids(4, 10)).toEqual([5]);
        expect(await ids(5, 10)).toEqual([]);
        expect(await ids(99, 10)).toEqual([]);
        expect(await ids(0, 0)).toEqual([]);
        expect(await store.listMessages(newConversationId(), 0, 10)).toEqual([]);
      });

      it('rejects a negative, fractional or NaN after/limit with invalid_argument', async () => {
        const id = await conversation();
        for (const [after, limit] of [
          [-1, 10],
          [1.5, 10],
          [Number.NaN, 10],
          [0, -1],
          [0, Number.POSITIVE_INFINITY],
        ] as const) {
          expect(await rejectionCode(store.listMessages(id, after, limit))).toBe('invalid_argument');
        }
      });

      it('round-trips quick replies and links, and keeps only their documented fields', async () => {
        const id = await conversation();
        const quickReplies = [
          { label: 'Yes', action: 'yes' },
          { label: 'No ❌', action: 'intent:no' },
        ];
        const links = [{ label: 'Docs', url: 'https://docs.example/a?b=c' }];
        const { message } = await store.appendMessage({
          conversationId: id,
          clientId: null,
          sender: 'bot',
          text: 'Pick one',
          quickReplies: quickReplies.map((q) => ({ ...q, extra: 'dropped' })),
          links,
        });
        expect(message.quickReplies).toEqual(quickReplies);
        expect(message.links).toEqual(links);
        const [listed] = await store.listMessages(id, 0, 10);
        expect(listed?.quickReplies).toEqual(quickReplies);
        expect(listed?.links).toEqual(links);
        const plain = await store.appendMessage({ conversationId: id, clientId: null, sender: 'bot', text: 'no buttons', quickReplies: [] });
        expect('quickReplies' in plain.message || 'links' in plain.message).toBe(false);
      });

      it("round-trips an operator's message with its author and system notices, each with only its fields", async () => {
        const id = await conversation();
        const joined = { kind: 'operator-joined' as const, name: 'Ada' };
        const left = { kind: 'operator-left' as const, name: 'Ada', rate: true };
        const appended = [
          (await store.appendMessage({ conversationId: id, clientId: null, sender: 'system', text: 'Ada joined', notice: { ...joined, rate: false } as typeof joined })).message,
          (await store.appendMessage({ conversationId: id, clientId: 'op-1', sender: 'operator', text: 'Hello, Ada here', author: 'Ada' })).message,
          (await store.appendMessage({ conversationId: id, clientId: null, sender: 'system', text: 'Ada left', notice: left })).message,
          (await store.appendMessage({ conversationId: id, clientId: null, sender: 'bot', text: 'Back to me' })).message,
        ];
        expect(appended.map((m) => [m.sender, m.author, m.notice])).toEqual([
          ['system', undefined, joined],
          ['operator', 'Ada', undefined],
          ['system', undefined, left],
          ['bot', undefined, undefined],
        ]);
        expect(await store.listMessages(id, 0, 10)).toEqual(appended);
        expect('author' in appended[3]! || 'notice' in appended[3]!).toBe(false);
      });

      it('refuses an author on anything but an operator message, a notice on anything but a system message, and unknown notices', async () => {
        const id = await conversation();
        const refused = [
          store.appendMessage({ conversationId: id, clientId: null, sender: 'bot', text: 'x', author: 'Ada' }),
          store.appendMessage({ conversationId: id, clientId: 'c', sender: 'visitor', text: 'x', author: 'Ada' }),
          store.appendMessage({ conversationId: id, clientId: null, sender: 'operator', text: 'x', notice: { kind: 'operator-joined', name: 'Ada' } }),
          store.appendMessage({ conversationId: id, clientId: null, sender: 'system', text: 'x', notice: { kind: 'hacked', name: 'x' } as never }),
          store.appendMessage({ conversationId: id, clientId: null, sender: 'system', text: 'x', notice: { kind: 'operator-left', name: 'x' } as never }),
        ];
        // Every attempt is watched at once: one awaited at a time would leave the others' rejections
        // unhandled while a store (the sealed one, a key lookup first) does I/O before refusing.
        expect(await Promise.all(refused.map(rejectionCode))).toEqual(refused.map(() => 'invalid_argument'));
        expect(await store.listMessages(id, 0, 10)).toEqual([]);
      });

      it('refuses to append to an unknown conversation', async () => {
        const code = await rejectionCode(
          store.appendMessage({ conversationId: newConversationId(), clientId: 'c', sender: 'visitor', text: 'x' }),
        );
        expect(code).toBe('unknown_conversation');
      });

      it('refuses an unknown sender', async () => {
        const id = await conversation();
        const code = await rejectionCode(
          store.appendMessage({ conversationId: id, clientId: 'c', sender: 'admin' as 'bot', text: 'x' }),
        );
        expect(code).toBe('invalid_argument');
        expect(await store.listMessages(id, 0, 10)).toEqual([]);
        expect((await store.appendMessage({ conversationId: id, clientId: 'c', sender: 'visitor', text: 'x' })).message.id).toBe(1);
      });

      it('counts an append as activity', async () => {
        const id = await conversation('demo', T0);
        await store.appendMessage({ conversationId: id, clientId: 'c', sender: 'visitor', text: 'x', now: at(DAY) });
        expect((await store.getConversation(id))?.lastActivityAt).toEqual(at(DAY));
      });

      it('stores unusual text exactly: NUL, bidi controls, emoji, long text', async () => {
        const id = await conversation();
        const texts = ['a\u0000b', '\u202Eevil\u2066x\u2069', '\u200B', '👍🏽 naïve', 'x'.repeat(4000), ''];
        for (const [i, text] of texts.entries()) {
          await store.appendMessage({ conversationId: id, clientId: `c${i}`, sender: 'visitor', text });
        }
        expect((await store.listMessages(id, 0, 100)).map((m) => m.text)).toEqual(texts);
      });
      it('a reader following history while appends race sees every message once, in id order', async () => {
        // The frame reads `after=<last id seen>`: a message that became visible after a higher id
        // would be skipped for good. Readers and writers run at once, as on several instances.
        const WRITERS = 16;
        for (let round = 0; round < 4; round++) {
          const id = await conversation();
          let writing = true;
          const seen: number[] = [];
          const follow = async () => {
            let after = 0;
            for (;;) {
              const last = !writing; // one more read after the writers are done catches the tail
              const page = await store.listMessages(id, after, 1000);
              seen.push(...page.map((m) => m.id));
              after = page.at(-1)?.id ?? after;
              if (last) return;
              await new Promise((resolve) => setImmediate(resolve)); // let the writers' I/O in
            }
          };
          const reader = follow();
          const appended = await Promise.all(
            Array.from({ length: WRITERS }, (_, i) =>
              store.appendMessage({
                conversationId: id,
                clientId: i % 2 === 0 ? `r${i}` : null,
                sender: i % 2 === 0 ? 'visitor' : 'bot',
                text: `m${i}`,
              }),
            ),
          );
          writing = false;
          await reader;
          const ids = appended.map((r) => r.message.id).sort((a, b) => a - b);
          expect(ids).toEqual(Array.from({ length: WRITERS }, (_, i) => i + 1));
          expect(seen).toEqual(ids);
        }
      });
    });

    describe('collected values', () => {
      it('stores values apart from messages and lists them in order', async () => {
        const id = await conversation();
        await store.putValue(id, { key: 'email', value: 'ada@example.com', pii: 'contact', now: T0 });
        await store.putValue(id, { key: 'plan', value: 'pro', pii: 'none', now: at(SECOND) });
        expect(await store.listValues(id)).toEqual([
          { key: 'email', value: 'ada@example.com', pii: 'contact', createdAt: T0 },
          { key: 'plan', value: 'pro', pii: 'none', createdAt: at(SECOND) },
        ]);
        expect(await store.listMessages(id, 0, 10)).toEqual([]);
        expect(await store.listValues(newConversationId())).toEqual([]);
      });

      it('replaces a value put again under the same key', async () => {
        const id = await conversation();
        await store.putValue(id, { key: 'email', value: 'old@example.com', pii: 'contact', now: T0 });
        await store.putValue(id, { key: 'email', value: 'new@example.com', pii: 'contact', now: at(SECOND) });
        expect(await store.listValues(id)).toEqual([
          { key: 'email', value: 'new@example.com', pii: 'contact', createdAt: at(SECOND) },
        ]);
      });

      it('refuses a value for an unknown conversation or with an unknown PII tag', async () => {
        expect(
          await rejectionCode(store.putValue(newConversationId(), { key: 'k', value: 'v', pii: 'none' })),
        ).toBe('unknown_conversation');
        const id = await conversation();
        expect(await rejectionCode(store.putValue(id, { key: 'k', value: 'v', pii: 'secret' as 'none' }))).toBe(
          'invalid_argument',
        );
      });
    });

    describe('deletion', () => {
      it('removes the conversation, its messages and its values; false the second time', async () => {
        const id = await conversation();
        const other = await conversation();
        await store.appendMessage({ conversationId: id, clientId: 'c', sender: 'visitor', text: 'my secret' });
        await store.putValue(id, { key: 'phone', value: '+47 999 99 999', pii: 'contact' });
        await store.appendMessage({ conversationId: other, clientId: 'c', sender: 'visitor', text: 'keep me' });
        expect(await store.deleteConversation(id)).toBe(true);
        expect(await store.getConversation(id)).toBeNull();
        expect(await store.listMessages(id, 0, 100)).toEqual([]);
        expect(await store.listValues(id)).toEqual([]);
        expect(await store.deleteConversation(id)).toBe(false);
        expect(await rejectionCode(store.appendMessage({ conversationId: id, clientId: 'd', sender: 'visitor', text: 'x' }))).toBe(
          'unknown_conversation',
        );
        expect((await store.listMessages(other, 0, 10)).map((m) => m.text)).toEqual(['keep me']);
      });

      it('a deletion racing appends and putValue leaves no message or value behind', async () => {
        // A bot turn may still be writing when the visitor deletes the conversation; whatever it
        // writes must not outlive the deletion, whichever store call runs first.
        for (let round = 0; round < 5; round++) {
          const id = await conversation();
          const write = (i: number) =>
            i % 2 === 0
              ? store.appendMessage({ conversationId: id, clientId: i % 4 === 0 ? `d${i}` : null, sender: i % 4 === 0 ? 'visitor' : 'bot', text: `m${i}` })
              : store.putValue(id, { key: `k${i}`, value: `v${i}`, pii: 'contact' });
          const before = Array.from({ length: 10 }, (_, i) => write(i));
          await Promise.race(before);
          const racing = [store.deleteConversation(id), ...Array.from({ length: 10 }, (_, i) => write(10 + i))];
          const outcomes = await Promise.allSettled([...before, ...racing]);
          for (const outcome of outcomes) {
            if (outcome.status === 'rejected') expect(storeErrorCode(outcome.reason)).toBe('unknown_conversation');
          }
          expect(outcomes[10]).toEqual({ status: 'fulfilled', value: true });
          expect(await store.getConversation(id)).toBeNull();
          expect(await store.listMessages(id, 0, 1000)).toEqual([]);
          expect(await store.listValues(id)).toEqual([]);
        }
      });

      it('returns false for an id that never existed', async () => {
        expect(await store.deleteConversation(newConversationId())).toBe(false);
      });

      it('deletes for its owner only when an owner is given, live or archived', async () => {
        const live = await conversation('demo', at(5 * DAY));
        const archived = await conversation('demo', T0);
        for (const id of [live, archived]) {
          await store.appendMessage({ conversationId: id, clientId: 'c', sender: 'visitor', text: 'mine', now: T0 });
        }
        await store.sweep({ botId: 'demo', inactiveAfterMs: DAY, archive: true }, at(DAY));
        expect(await readArchive(archived)).toMatchObject({ conversation: true, messages: ['mine'] });

        for (const id of [live, archived]) {
          expect(await store.deleteConversation(id, { botId: 'demo', visitorId: 'someone else' })).toBe(false);
          expect(await store.deleteConversation(id, { botId: 'other', visitorId: `v-${id}` })).toBe(false);
        }
        expect(await store.listMessages(live, 0, 10)).toHaveLength(1);
        expect(await readArchive(archived)).toMatchObject({ conversation: true, messages: ['mine'] });

        expect(await store.deleteConversation(live, { botId: 'demo', visitorId: `v-${live}` })).toBe(true);
        expect(await store.deleteConversation(archived, { botId: 'demo', visitorId: `v-${archived}` })).toBe(true);
        expect(await store.getConversation(live)).toBeNull();
        expect(await store.listMessages(live, 0, 10)).toEqual([]);
        expect(await readArchive(archived)).toEqual(NOT_ARCHIVED);
      });
    });

    describe('clearing a conversation (storage off)', () => {
      it("forgets one conversation's messages and values, keeps the conversation and its id sequence, touches no other", async () => {
        const id = await conversation('demo');
        const sameBot = await conversation('demo');
        for (const c of [id, sameBot]) {
          await store.appendMessage({ conversationId: c, clientId: 'c', sender: 'visitor', text: 'hello' });
          await store.appendMessage({ conversationId: c, clientId: null, sender: 'bot', text: 'hi' });
          await store.putValue(c, { key: 'email', value: 'a@example.com', pii: 'contact' });
        }
        await store.clearConversation(id);
        expect(await store.listMessages(id, 0, 10)).toEqual([]);
        expect(await store.listValues(id)).toEqual([]);
        expect(await store.getConversation(id)).not.toBeNull();
        const next = await store.appendMessage({ conversationId: id, clientId: 'd', sender: 'visitor', text: 'again' });
        expect(next.message.id).toBe(3);
        expect((await store.listMessages(sameBot, 0, 10)).map((m) => m.text)).toEqual(['hello', 'hi']);
        expect(await store.listValues(sameBot)).toHaveLength(1);
        await store.clearConversation(newConversationId()); // an unknown id is nothing to clear
      });
    });

    describe('retention sweep', () => {
      it('does nothing under an empty policy', async () => {
        const id = await conversation();
        await store.appendMessage({ conversationId: id, clientId: 'c', sender: 'visitor', text: 'x', now: T0 });
        await store.putValue(id, { key: 'k', value: 'v', pii: 'none', now: T0 });
        expect(await store.sweep({ botId: 'demo' }, at(1000 * DAY))).toEqual(NOTHING_SWEPT);
        expect(await store.listMessages(id, 0, 10)).toHaveLength(1);
        expect(await store.listValues(id)).toHaveLength(1);
      });

      it('deletes messages older than messageTtlMs (exactly the TTL old is kept), for that bot only', async () => {
        const id = await conversation('demo');
        const otherBot = await conversation('other');
        await store.appendMessage({ conversationId: id, clientId: 'old', sender: 'visitor', text: 'old', now: T0 });
        await store.appendMessage({ conversationId: id, clientId: 'new', sender: 'visitor', text: 'new', now: at(30 * SECOND) });
        await store.appendMessage({ conversationId: otherBot, clientId: 'old', sender: 'visitor', text: 'other', now: T0 });
        const policy = { botId: 'demo', messageTtlMs: 60 * SECOND };

        expect((await store.sweep(policy, at(60 * SECOND))).messagesDeleted).toBe(0);
        const result = await store.sweep(policy, at(60 * SECOND + 1));
        expect(result).toEqual({ ...NOTHING_SWEPT, messagesDeleted: 1 });
        expect((await store.listMessages(id, 0, 10)).map((m) => m.text)).toEqual(['new']);
        expect(await store.listMessages(otherBot, 0, 10)).toHaveLength(1);
        // The conversation lives on and ids keep counting: an expired id is never reused.
        expect(await store.getConversation(id)).not.toBeNull();
        const next = await store.appendMessage({ conversationId: id, clientId: 'later', sender: 'visitor', text: 'later' });
        expect(next.message.id).toBe(3);
      });

      it('deletes collected values older than valueTtlMs, for that bot only', async () => {
        const id = await conversation('demo');
        const otherBot = await conversation('other');
        await store.putValue(id, { key: 'email', value: 'a@example.com', pii: 'contact', now: T0 });
        await store.putValue(id, { key: 'plan', value: 'pro', pii: 'none', now: at(10 * SECOND) });
        await store.putValue(otherBot, { key: 'email', value: 'b@example.com', pii: 'contact', now: T0 });
        await store.appendMessage({ conversationId: id, clientId: 'c', sender: 'visitor', text: 'kept', now: T0 });
        const policy = { botId: 'demo', valueTtlMs: 5 * SECOND };

        expect((await store.sweep(policy, at(5 * SECOND))).valuesDeleted).toBe(0);
        expect(await store.sweep(policy, at(5 * SECOND + 1))).toEqual({ ...NOTHING_SWEPT, valuesDeleted: 1 });
        expect((await store.listValues(id)).map((v) => v.key)).toEqual(['plan']);
        expect(await store.listValues(otherBot)).toHaveLength(1);
        expect(await store.listMessages(id, 0, 10)).toHaveLength(1);
      });

      it('deletes conversations idle for inactiveAfterMs when archive is off', async () => {
        const idle = await conversation('demo', T0);
        const active = await conversation('demo', T0);
        const otherBot = await conversation('other', T0);
        await store.appendMessage({ conversationId: idle, clientId: 'c', sender: 'visitor', text: 'x', now: T0 });
        await store.putValue(idle, { key: 'email', value: 'a@example.com', pii: 'contact', now: T0 });
        await store.appendMessage({ conversationId: active, clientId: 'c', sender: 'visitor', text: 'y', now: at(DAY / 2) });
        const policy = { botId: 'demo', inactiveAfterMs: DAY, archive: false };

        expect((await store.sweep(policy, at(DAY - 1))).conversationsDeleted).toBe(0);
        expect(await store.getConversation(idle)).not.toBeNull();
        expect(await store.sweep(policy, at(DAY))).toEqual({ ...NOTHING_SWEPT, conversationsDeleted: 1 });
        expect(await store.getConversation(idle)).toBeNull();
        expect(await store.listMessages(idle, 0, 10)).toEqual([]);
        expect(await store.listValues(idle)).toEqual([]);
        expect(await store.deleteConversation(idle)).toBe(false);
        expect(await store.getConversation(active)).not.toBeNull();
        expect(await store.getConversation(otherBot)).not.toBeNull();
      });

      it('archives idle conversations out of the live store when archive is on', async () => {
        const idle = await conversation('demo', T0);
        await store.appendMessage({ conversationId: idle, clientId: 'c', sender: 'visitor', text: 'x', now: T0 });
        await store.putValue(idle, { key: 'email', value: 'a@example.com', pii: 'contact', now: T0 });
        const policy = { botId: 'demo', inactiveAfterMs: DAY, archive: true };

        expect((await store.sweep(policy, at(DAY - 1))).conversationsArchived).toBe(0);
        expect(await store.sweep(policy, at(DAY))).toEqual({ ...NOTHING_SWEPT, conversationsArchived: 1 });
        expect(await store.getConversation(idle)).toBeNull();
        expect(await store.listMessages(idle, 0, 10)).toEqual([]);
        expect(await store.listValues(idle)).toEqual([]);
        expect(
          await rejectionCode(store.appendMessage({ conversationId: idle, clientId: 'd', sender: 'visitor', text: 'x' })),
        ).toBe('unknown_conversation');
        // The archive itself, read from outside the store, holds the conversation whole.
        expect(await readArchive(idle)).toEqual({ conversation: true, messages: ['x'], values: ['email=a@example.com'] });
        // A second sweep finds nothing left to move.
        expect((await store.sweep(policy, at(2 * DAY))).conversationsArchived).toBe(0);
        // The archived copy is still there to delete on request, once, and then the archive holds nothing of it.
        expect(await store.deleteConversation(idle)).toBe(true);
        expect(await readArchive(idle)).toEqual(NOT_ARCHIVED);
        expect(await store.deleteConversation(idle)).toBe(false);
      });

      it('expires archived messages and values by their TTLs too', async () => {
        const idle = await conversation('demo', T0);
        await store.appendMessage({ conversationId: idle, clientId: 'old', sender: 'visitor', text: 'old', now: T0 });
        await store.appendMessage({ conversationId: idle, clientId: 'new', sender: 'visitor', text: 'new', now: at(DAY) });
        await store.putValue(idle, { key: 'email', value: 'a@example.com', pii: 'contact', now: T0 });
        await store.sweep({ botId: 'demo', inactiveAfterMs: DAY, archive: true }, at(2 * DAY));
        expect(await readArchive(idle)).toEqual({ conversation: true, messages: ['old', 'new'], values: ['email=a@example.com'] });

        const swept = await store.sweep({ botId: 'demo', messageTtlMs: 1.5 * DAY, valueTtlMs: DAY }, at(2 * DAY));
        expect(swept).toEqual({ ...NOTHING_SWEPT, messagesDeleted: 1, valuesDeleted: 1 });
        expect(await readArchive(idle)).toEqual({ conversation: true, messages: ['new'], values: [] });
      });

      it('deletes archived conversations older than archiveTtlMs in the archive, whole, for that bot only', async () => {
        const early = await conversation('demo', T0);
        const late = await conversation('demo', at(10 * DAY));
        const otherBot = await conversation('other', T0);
        for (const id of [early, late, otherBot]) {
          await store.appendMessage({ conversationId: id, clientId: 'c', sender: 'visitor', text: `text of ${id}`, now: T0 });
          await store.putValue(id, { key: 'email', value: 'a@example.com', pii: 'contact', now: T0 });
        }
        // Archived at different times: `early` on day 1, `late` on day 11.
        await store.sweep({ botId: 'demo', inactiveAfterMs: DAY, archive: true }, at(DAY));
        await store.sweep({ botId: 'demo', inactiveAfterMs: DAY, archive: true }, at(11 * DAY));
        await store.sweep({ botId: 'other', inactiveAfterMs: DAY, archive: true }, at(DAY));
        const policy = { botId: 'demo', archiveTtlMs: 30 * DAY };

        // Exactly the TTL after archiving is kept; a millisecond more is not.
        expect(await store.sweep(policy, at(31 * DAY))).toEqual(NOTHING_SWEPT);
        expect(await store.sweep(policy, at(31 * DAY + 1))).toEqual({ ...NOTHING_SWEPT, archivedConversationsDeleted: 1 });
        expect(await readArchive(early)).toEqual(NOT_ARCHIVED);
        expect(await readArchive(late)).toMatchObject({ conversation: true, messages: [`text of ${late}`] });
        expect(await readArchive(otherBot)).toMatchObject({ conversation: true, messages: [`text of ${otherBot}`] });
        expect(await store.deleteConversation(early)).toBe(false);
        // `late` was archived ten days after `early`, so it goes ten days later.
        expect(await store.sweep(policy, at(41 * DAY + 1))).toEqual({ ...NOTHING_SWEPT, archivedConversationsDeleted: 1 });
        expect(await readArchive(late)).toEqual(NOT_ARCHIVED);
      });

      it('keeps archived conversations without an archiveTtlMs ("forever")', async () => {
        const idle = await conversation('demo', T0);
        await store.appendMessage({ conversationId: idle, clientId: 'c', sender: 'visitor', text: 'kept', now: T0 });
        await store.sweep({ botId: 'demo', inactiveAfterMs: DAY, archive: true }, at(DAY));
        expect(await store.sweep({ botId: 'demo', inactiveAfterMs: DAY, archive: true }, at(100_000 * DAY))).toEqual(NOTHING_SWEPT);
        expect(await readArchive(idle)).toEqual({ conversation: true, messages: ['kept'], values: [] });
      });

      it('refuses to reuse the id of an archived conversation', async () => {
        const idle = await conversation('demo', T0);
        await store.sweep({ botId: 'demo', inactiveAfterMs: DAY, archive: true }, at(DAY));
        const code = await rejectionCode(
          store.createConversation({ id: idle, botId: 'demo', visitorId: 'someone else', origin: 'https://site.example' }),
        );
        expect(code).toBe('duplicate_conversation');
      });

      it('rejects a negative or NaN duration with invalid_argument', async () => {
        expect(await rejectionCode(store.sweep({ botId: 'demo', messageTtlMs: -1 }, T0))).toBe('invalid_argument');
        expect(await rejectionCode(store.sweep({ botId: 'demo', inactiveAfterMs: Number.NaN }, T0))).toBe('invalid_argument');
        expect(await rejectionCode(store.sweep({ botId: 'demo', archiveTtlMs: -1 }, T0))).toBe('invalid_argument');
      });

      it('lets other work run while it sweeps many rows, and still counts every row', async () => {
        // Sweeps run in bounded steps with the event loop free between them, so a long sweep never
        // stalls requests. A callback queued during the sweep must run before the sweep is done.
        const ids = await Promise.all(Array.from({ length: 30 }, () => conversation('demo', T0)));
        // Conversations in parallel, each one's messages in turn: 300 appends at once made FerretDB's
        // SQLite backend answer SQLITE_BUSY on a loaded machine, and the point here is the sweep.
        await Promise.all(
          ids.map(async (id) => {
            for (let i = 0; i < 10; i++) {
              await store.appendMessage({ conversationId: id, clientId: `c${i}`, sender: 'visitor', text: `m${i}`, now: T0 });
            }
          }),
        );
        let sweepDone = false;
        let ranDuringSweep = false;
        const sweeping = store.sweep({ botId: 'demo', messageTtlMs: SECOND }, at(DAY)).finally(() => (sweepDone = true));
        setImmediate(() => (ranDuringSweep = !sweepDone));
        expect((await sweeping).messagesDeleted).toBe(300);
        expect(ranDuringSweep).toBe(true);
        for (const id of ids) expect(await store.listMessages(id, 0, 10)).toEqual([]);
        // 300 appends on FerretDB took 27 s of the default 30 under a loaded 2-core machine.
      }, 120_000);
    });

    describe('hostile strings are data, never query', () => {
      const hostile = [`' OR 1=1--`, '{"$gt":""}', '{"$ne":null}', '1; DROP TABLE messages', '$where', 'a.b', '__proto__'];

      it('stores and returns operator- and SQL-shaped ids, client ids, keys and text literally', async () => {
        const plain = await conversation();
        await store.appendMessage({ conversationId: plain, clientId: 'c', sender: 'visitor', text: 'plain' });
        for (const value of hostile) {
          await store.createConversation({ id: value, botId: value, visitorId: value, origin: value });
          const read = await store.getConversation(value);
          expect(read).toMatchObject({ id: value, botId: value, visitorId: value, origin: value });
          const appended = await store.appendMessage({ conversationId: value, clientId: value, sender: 'visitor', text: value });
          expect(appended.message).toMatchObject({ id: 1, conversationId: value, clientId: value, text: value });
          const repeat = await store.appendMessage({ conversationId: value, clientId: value, sender: 'visitor', text: 'again' });
          expect(repeat).toEqual({ message: appended.message, created: false });
          await store.putValue(value, { key: value, value, pii: 'none' });
          expect((await store.listValues(value)).map((v) => [v.key, v.value])).toEqual([[value, value]]);
          await store.updateConversation(value, { state: { [value]: value, $gt: '', nested: { $ne: null } } });
          expect((await store.getConversation(value))?.state).toEqual({ [value]: value, $gt: '', nested: { $ne: null } });
        }
        // Each hostile id matched only itself: the plain conversation is untouched, and every
        // conversation still holds exactly its own message.
        expect((await store.listMessages(plain, 0, 10)).map((m) => m.text)).toEqual(['plain']);
        for (const value of hostile) {
          expect((await store.listMessages(value, 0, 10)).map((m) => m.text)).toEqual([value]);
        }
      });

      it('matches nothing for operator-shaped lookups of ids that were never stored', async () => {
        const id = await conversation();
        await store.appendMessage({ conversationId: id, clientId: 'c1', sender: 'visitor', text: 'secret' });
        for (const probe of ['{"$gt":""}', '{"$ne":null}', `' OR 1=1--`, '%', '*']) {
          expect(await store.getConversation(probe)).toBeNull();
          expect(await store.listMessages(probe, 0, 10)).toEqual([]);
          expect(await store.listValues(probe)).toEqual([]);
          expect(await store.deleteConversation(probe)).toBe(false);
        }
        // A clientId shaped as an operator does not match the existing c1.
        const r = await store.appendMessage({ conversationId: id, clientId: '{"$ne":null}', sender: 'visitor', text: 'new' });
        expect(r).toMatchObject({ created: true, message: { id: 2 } });
        expect(await store.getConversation(id)).not.toBeNull();
      });

      it('coerces objects smuggled past the types into strings instead of passing them to a query', async () => {
        const id = await conversation();
        await store.appendMessage({ conversationId: id, clientId: 'c1', sender: 'visitor', text: 'secret' });
        const operator = { $gt: '' } as unknown as string;
        expect(await store.getConversation(operator)).toBeNull();
        expect(await store.listMessages(operator, 0, 10)).toEqual([]);
        expect(await store.deleteConversation(operator)).toBe(false);
        const dup = await store.appendMessage({ conversationId: id, clientId: { $ne: null } as unknown as string, sender: 'visitor', text: 'x' });
        expect(dup.created).toBe(true);
        expect(dup.message.clientId).toBe('[object Object]');
        expect(await store.getConversation(id)).not.toBeNull();
      });
    });

    it('answers ping while open', async () => {
      expect(await store.ping()).toBe(true);
    });
  });
}
