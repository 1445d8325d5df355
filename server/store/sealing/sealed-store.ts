// The store as the server uses it: an adapter (SQLite or MongoDB) with what visitors say sealed
// before the adapter sees it and opened on the way back. It takes over only the methods that carry
// sealed fields (fields.ts); every other method is the adapter's own, spread in unchanged, so there
// is no layer of forwarding. Deletion is not here: each adapter calls the keyring's destroy() itself
// before it removes rows (visitor and operator deletion, retention sweeps), because only the
// adapter knows which conversations a sweep removes; clearing is here, because keeping what a
// cleared conversation still needs means moving it to a new key first.
import type { ChatMessage } from '../../../common/wire.ts';
import type { Conversation, ConversationMeta, Store, TurnOutcome } from '../store.ts';
import type { ConversationRecord } from '../data-protection-store.ts';
import { idString } from '../arguments.ts';
import { storeError, storeErrorCode } from '../errors.ts';
import { generationOf, open, seal, type DataKey } from './cipher.ts';
import { sealingError, sealingErrorCode } from './errors.ts';
import { FIELD, ownTextOf, sealState, sealTurnBeside, sealedStateOf, transformMessage, transformTurn, transformValue, type Transform } from './fields.ts';
import type { Keyring } from './keyring.ts';
import { sealedHandoverMethods, transformHandover, transformNote, type SealingKit } from './handover.ts';
import { sealEvents, sealedWebhookMethods } from './webhooks.ts';

export interface SealingMode {
  /**
   * Once every row written before sealing has been sealed (migration.ts), a value stored in the
   * clear can only have been put there behind Parley's back: it is refused as tampered. Before,
   * it is read as it is.
   */
  strict: boolean;
}

const withoutState = ({ state: _state, ...meta }: ConversationMeta & { state?: unknown }): ConversationMeta => meta;

/** The fields the turn worker reads back right after they are written (keyring.note()). */
const READ_BACK: ReadonlySet<string> = new Set([FIELD.state, FIELD.turnText, FIELD.turnAction]);

export function sealedStore(inner: Store, keyring: Keyring, mode: SealingMode): Store {
  const sealWith =
    (key: DataKey): Transform =>
    (field, value) => {
      const stored = seal(key, field, value);
      if (READ_BACK.has(field)) keyring.note(key.conversationId, field, stored, value);
      return stored;
    };

  function opener(conversationId: string, keys: Map<number, DataKey>): Transform {
    return (field, stored) => {
      const generation = generationOf(stored);
      if (generation === null) {
        if (mode.strict) throw sealingError('tampered', `${field} of conversation ${conversationId} is stored in the clear`);
        return stored;
      }
      const key = keys.get(generation);
      if (generation === 0 || !key) {
        if (generation !== 0) throw sealingError('erased', `conversation ${conversationId} was erased: the data key of its ${field} is gone`);
        throw sealingError('tampered', `${field} of conversation ${conversationId} is not a sealed value`);
      }
      return open(key, field, stored);
    };
  }

  /** What needs no opening: `written`, what this very call sealed (ciphertext → plain text), and what the keyring recalls (see note()). */
  const knownTo = (conversationId: string, written?: Map<string, string>) => (field: string, stored: string) =>
    written?.get(stored) ?? keyring.recall(conversationId, field, stored);

  /** `walk` with every value known (a write reading back its own values); undefined when one must be opened. */
  function allKnown<T>(conversationId: string, walk: (f: Transform) => T, written?: Map<string, string>): T | undefined {
    const known = knownTo(conversationId, written);
    let unknown = false;
    const result = walk((field, stored) => {
      const plain = known(field, stored);
      if (plain === undefined) unknown = true;
      return plain ?? stored;
    });
    return unknown ? undefined : result;
  }

  /** Runs `walk` over stored values with the keys they need fetched first, so opening itself is synchronous. */
  async function opened<T>(conversationId: string, walk: (f: Transform) => T, written?: Map<string, string>): Promise<T> {
    const known = knownTo(conversationId, written);
    const needed = new Set<number>();
    walk((field, stored) => {
      const generation = known(field, stored) === undefined ? generationOf(stored) : null;
      if (generation !== null) needed.add(generation);
      return stored;
    });
    const open = opener(conversationId, needed.size > 0 ? await keyring.generations(conversationId, needed) : new Map());
    return walk((field, stored) => known(field, stored) ?? open(field, stored));
  }

  const openMessages = (conversationId: string, messages: ChatMessage[], written?: Map<string, string>) =>
    opened(conversationId, (f) => messages.map((m) => transformMessage(m, f)), written);

  /**
   * Seals with the conversation's newest key. Once every row is sealed, each conversation got its
   * key when it was made (or by the migration), so one without a key has been erased: writing to
   * it is writing to a conversation that is gone.
   */
  async function sealerOrNull(conversationId: string): Promise<Transform | null> {
    const key = mode.strict ? await keyring.existing(conversationId) : await keyring.current(conversationId);
    return key && sealWith(key);
  }

  async function sealer(conversationId: string): Promise<Transform> {
    const f = await sealerOrNull(conversationId);
    if (!f) throw storeError('unknown_conversation', 'no such conversation');
    return f;
  }

  /** A sealer that remembers what it sealed, for openWritten(). */
  function remembering(f: Transform, written: Map<string, string>): Transform {
    return (field, value) => {
      const stored = f(field, value);
      written.set(stored, value);
      return stored;
    };
  }

  /** Opens what a write returns; a key destroyed meanwhile means the conversation was erased under the write. */
  async function openWritten(conversationId: string, messages: ChatMessage[], written: Map<string, string>): Promise<ChatMessage[]> {
    const own = allKnown(conversationId, (f) => messages.map((m) => transformMessage(m, f)), written);
    if (own) return own;
    try {
      return await openMessages(conversationId, messages, written);
    } catch (err) {
      if (sealingErrorCode(err) === 'erased') throw storeError('unknown_conversation', 'no such conversation');
      throw err;
    }
  }

  // Writes that are sealing right now, per conversation: clearing must not destroy the key one of
  // them is using (see clearConversation).
  const writing = new Map<string, number>();
  async function whileWriting<T>(conversationId: string, work: () => Promise<T>): Promise<T> {
    writing.set(conversationId, (writing.get(conversationId) ?? 0) + 1);
    try {
      return await work();
    } finally {
      const left = writing.get(conversationId)! - 1;
      if (left > 0) writing.set(conversationId, left);
      else writing.delete(conversationId);
    }
  }

  /**
   * A turn's input that is its message's own text (fields.ts ownTextOf): from memory when this
   * process has just sealed it, otherwise opened once the row is found to hold that very envelope
   * as its text: another message's text put in the turn's place is refused as tampered.
   */
  async function ownText(conversationId: string, messageId: number, stored: string): Promise<string> {
    const kept = keyring.recall(conversationId, FIELD.messageText, stored);
    if (kept !== undefined) return kept;
    const [row] = await inner.listMessages(conversationId, messageId - 1, 1);
    if (row?.id !== messageId || row.text !== stored) {
      throw sealingError('tampered', `${FIELD.turnText} of conversation ${conversationId} is not its message's text`);
    }
    return opened(conversationId, (f) => f(FIELD.messageText, stored));
  }

  /** The conversation with its state opened; null when its keys are gone (erased reads as deleted). */
  async function openConversation(conversation: Conversation): Promise<Conversation | null> {
    const sealed = sealedStateOf(conversation.state);
    if (sealed === null) {
      // `{}` is what a new conversation holds until its first turn; anything else in the clear is
      // from before sealing (and refused once that is over).
      if (!mode.strict) return conversation;
      if (Object.keys(conversation.state).length > 0) {
        throw sealingError('tampered', `${FIELD.state} of conversation ${conversation.id} is stored in the clear`);
      }
      return (await keyring.hasKey(conversation.id)) ? conversation : null;
    }
    // The state this process sealed last (the turn worker reads back what the last turn wrote).
    const known = keyring.recall(conversation.id, FIELD.state, sealed);
    if (known !== undefined) return { ...conversation, state: JSON.parse(known) as Record<string, unknown> };
    try {
      return { ...conversation, state: JSON.parse(await opened(conversation.id, (f) => f(FIELD.state, sealed))) as Record<string, unknown> };
    } catch (err) {
      if (sealingErrorCode(err) === 'erased') return null;
      throw err;
    }
  }

  const kit: SealingKit = { sealer, opened, erased: async (id) => mode.strict && !(await keyring.hasKey(id)) };

  const store: Store = {
    ...inner,

    keysReady: () => keyring.keyStore.ping(),

    /** The key store goes with the store: whoever opened the pair closes both here. */
    async close() {
      await inner.close();
      await keyring.keyStore.close();
    },

    async createConversation(input) {
      // The key first: a conversation that exists has one, so a conversation without one is erased.
      await keyring.current(idString(input.id));
      return inner.createConversation(input);
    },

    async getConversation(id) {
      const conversation = await inner.getConversation(id);
      return conversation && openConversation(conversation);
    },

    async updateConversation(id, patch) {
      const conversationId = idString(id);
      if (patch.state === undefined) return inner.updateConversation(conversationId, patch);
      return whileWriting(conversationId, async () => {
        // Updating a conversation that is gone does nothing, erased ones included.
        const f = await sealerOrNull(conversationId);
        if (f) await inner.updateConversation(conversationId, { ...patch, state: sealState(patch.state!, f) });
      });
    },

    async appendMessage(input) {
      const conversationId = idString(input.conversationId);
      return whileWriting(conversationId, async () => {
        const written = new Map<string, string>();
        const result = await inner.appendMessage(transformMessage(input, remembering(await sealer(conversationId), written)));
        return { ...result, message: (await openWritten(conversationId, [result.message], written))[0]! };
      });
    },

    async appendVisitorMessage(input) {
      const conversationId = idString(input.conversationId);
      return whileWriting(conversationId, async () => {
        const written = new Map<string, string>();
        const f = remembering(await sealer(conversationId), written);
        const message = transformMessage(input, f);
        const turn = sealTurnBeside(input.turn, String(input.text), message.text, f);
        // The turn worker reads the text back as the turn's input (ownText()): kept like READ_BACK's.
        if (ownTextOf(turn) !== null) keyring.note(conversationId, FIELD.messageText, message.text, String(input.text));
        const result = await inner.appendVisitorMessage({ ...message, turn });
        return { ...result, message: (await openWritten(conversationId, [result.message], written))[0]! };
      });
    },

    async nextTurn(id) {
      const conversationId = idString(id);
      for (;;) {
        const pending = await inner.nextTurn(conversationId);
        if (!pending) return null;
        try {
          const own = ownTextOf(pending);
          if (own !== null) return { ...pending, input: { text: await ownText(conversationId, pending.messageId, own) } };
          return await opened(conversationId, (f) => ({ ...pending, ...transformTurn(pending, f) }));
        } catch (err) {
          if (sealingErrorCode(err) !== 'erased') throw err;
          // An erased conversation has nothing left to answer.
          if (!(await keyring.hasKey(conversationId))) return null;
          // A message sealed under a generation that clearing retired (written on another instance
          // in the instant of a clear): its words are gone, so the turn is closed unanswered rather
          // than tried again at every scan. The bot said nothing: `silent`, as for a message sent
          // during a handover.
          const conversation = await store.getConversation(conversationId);
          const unanswered = { meta: { outcome: 'silent' as const }, replies: [], values: [], state: conversation?.state ?? {} };
          await store.completeTurn(conversationId, pending.messageId, unanswered);
        }
      }
    },

    async completeTurn(id, messageId, outcome) {
      const conversationId = idString(id);
      return whileWriting(conversationId, async () => {
        // Gone (erased) conversations complete nothing, as the adapters answer for deleted ones.
        const sealing = await sealerOrNull(conversationId);
        if (!sealing) return [];
        const written = new Map<string, string>();
        const f = remembering(sealing, written);
        const { handover, events } = outcome;
        const sealed: TurnOutcome = {
          ...outcome,
          replies: outcome.replies.map((reply) => transformMessage(reply, f)),
          values: outcome.values.map((value) => transformValue(value, f)),
          state: sealState(outcome.state, f),
          ...(events ? { events: sealEvents(conversationId, events, sealing) } : {}),
          ...(handover ? { handover: { ...handover, events: sealEvents(conversationId, handover.events, sealing) } } : {}),
        };
        return openWritten(conversationId, await inner.completeTurn(conversationId, messageId, sealed), written).catch((err: unknown) => {
          if (storeErrorCode(err) === 'unknown_conversation') return [];
          throw err;
        });
      });
    },

    async listMessages(id, after, limit) {
      const conversationId = idString(id);
      return openMessages(conversationId, await inner.listMessages(conversationId, after, limit));
    },

    async putValue(id, value) {
      const conversationId = idString(id);
      return whileWriting(conversationId, async () => inner.putValue(conversationId, transformValue(value, await sealer(conversationId))));
    },

    async listValues(id) {
      const conversationId = idString(id);
      const values = await inner.listValues(conversationId);
      return opened(conversationId, (f) => values.map((value) => transformValue(value, f)));
    },

    // The live handover's notes, resolution notes and rating comments (handover.ts).
    ...sealedHandoverMethods(inner, kit),
    // Webhook delivery bodies and signing secrets (webhooks.ts).
    ...sealedWebhookMethods(inner, kit, keyring, mode.strict),

    async browseConversations(query) {
      // The browser lists metadata: the sealed dialog state the adapter's rows carry is left out,
      // not opened (no key lookups per page), and a page keeps its length for the cursor.
      return (await inner.browseConversations(query)).map(withoutState);
    },

    /** A subject's export: everything opened, or null when the conversation was erased (reads as deleted). */
    async readConversation(id) {
      const record = await inner.readConversation(id);
      if (!record) return null;
      const conversation = await openConversation(record.conversation);
      if (!conversation) return null;
      const { id: conversationId } = conversation;
      try {
        return await opened(
          conversationId,
          (f): ConversationRecord => ({
            conversation,
            archivedAt: record.archivedAt,
            messages: record.messages.map((m) => transformMessage(m, f)),
            values: record.values.map((v) => transformValue(v, f)),
            handovers: record.handovers.map(({ handover, notes }) => ({ handover: transformHandover(handover, f), notes: notes.map((n) => transformNote(n, f)) })),
          }),
        );
      } catch (err) {
        if (sealingErrorCode(err) === 'erased') return null;
        throw err;
      }
    },

    /**
     * Storage off: what the conversation keeps (its dialog state, a visitor message whose turn has
     * not run yet) moves to a new generation of its data key, then the older generations are
     * destroyed before the rows go, so the exchange just cleared is unreadable in every copy,
     * backups included. While a kept message still needs an older generation, a write of this
     * process is sealing with one, or a handover is open (clearing keeps its notes until it closes),
     * destruction waits for the next clear.
     */
    async clearConversation(id) {
      const conversationId = idString(id);
      const conversation = await store.getConversation(conversationId);
      if (conversation) {
        const next = await keyring.advance(conversationId);
        await inner.updateConversation(conversationId, { state: sealState(conversation.state, sealWith(next)) });
        const keep =
          writing.has(conversationId) ||
          (await inner.nextTurn(conversationId)) !== null ||
          (await inner.openHandoverOf(conversationId)) !== null ||
          (await inner.hasPendingWebhookDeliveries(conversationId));
        if (!keep) {
          await keyring.destroy([conversationId], next.generation);
        }
      }
      await inner.clearConversation(conversationId);
    },
  };
  return store;
}
