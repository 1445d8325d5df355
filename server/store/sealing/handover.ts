// The live handover's (issue 14) internal notes, resolution notes and the visitor's rating comments,
// sealed with the conversation's data key like everything else a person says (fields.ts names
// them): the HandoverStore methods that carry them, spread into sealedStore() (sealed-store.ts).
// Lifecycle fields (state, times, assignee, resolution code, rating score) stay clear: the queue,
// the reports and the sweep query them.
import type { Handover, HandoverNote, HandoverStore } from '../handover-store.ts';
import { storeError, storeErrorCode } from '../errors.ts';
import { sealingErrorCode } from './errors.ts';
import { FIELD, type Transform } from './fields.ts';
import { sealEvents } from './webhooks.ts';

/** A handover record (or a stored row of one) with its sealed fields sealed or opened by `f` (null stays null). */
export function transformHandover<T extends Pick<Handover, 'resolutionNote' | 'ratingComment'>>(handover: T, f: Transform): T {
  return {
    ...handover,
    resolutionNote: handover.resolutionNote === null ? null : f(FIELD.resolutionNote, handover.resolutionNote),
    ratingComment: handover.ratingComment === null ? null : f(FIELD.ratingComment, handover.ratingComment),
  };
}

export function transformNote<T extends Pick<HandoverNote, 'text'>>(note: T, f: Transform): T {
  return { ...note, text: f(FIELD.handoverNote, note.text) };
}

/** What sealedStore() lends the handover methods: sealing with a conversation's key, opening with the keys values need. */
export interface SealingKit {
  sealer(conversationId: string): Promise<Transform>;
  opened<T>(conversationId: string, walk: (f: Transform) => T): Promise<T>;
  /** Whether the conversation was erased (its keys are gone, though rows restored from a backup may be back). */
  erased(conversationId: string): Promise<boolean>;
}

type SealedHandoverMethods = Pick<
  HandoverStore,
  | 'openHandover'
  | 'getHandover'
  | 'openHandoverOf'
  | 'latestHandoverOf'
  | 'listHandovers'
  | 'transitionHandover'
  | 'rateHandover'
  | 'addHandoverNote'
  | 'listHandoverNotes'
  | 'waitingHandoversStartedBefore'
>;

/** `work`'s answer, or `gone` when the handover's conversation was erased under it (its key went first). */
async function unlessErased<T>(work: () => Promise<T>, gone: T): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (sealingErrorCode(err) === 'erased' || storeErrorCode(err) === 'unknown_conversation') return gone;
    throw err;
  }
}

/** The HandoverStore methods that carry sealed fields, sealing on the way in and opening on the way out. */
export function sealedHandoverMethods(inner: HandoverStore, kit: SealingKit): SealedHandoverMethods {
  /**
   * Opened; null when its conversation was erased: being deleted (a deletion destroys the key before
   * the rows), or back from a backup taken before. A record holding no text is gone then too.
   */
  const openOne = async (handover: Handover | null): Promise<Handover | null> => {
    if (!handover || (await kit.erased(handover.conversationId))) return null;
    return unlessErased(() => kit.opened(handover.conversationId, (f) => transformHandover(handover, f)), null);
  };
  const openAll = async (handovers: Handover[]) => (await Promise.all(handovers.map(openOne))).filter((h): h is Handover => h !== null);
  /** Notes and patches name a handover, not its conversation: whose key seals them is looked up. */
  const conversationOf = async (handoverId: string) => (await inner.getHandover(handoverId))?.conversationId ?? null;

  return {
    async openHandover(input) {
      const result = await inner.openHandover(input);
      const handover = await openOne(result.handover);
      if (!handover) throw storeError('unknown_conversation', 'no such conversation');
      return { ...result, handover };
    },
    getHandover: async (id) => openOne(await inner.getHandover(id)),
    openHandoverOf: async (conversationId) => openOne(await inner.openHandoverOf(conversationId)),
    latestHandoverOf: async (conversationId) => openOne(await inner.latestHandoverOf(conversationId)),
    listHandovers: async (query) => openAll(await inner.listHandovers(query)),
    waitingHandoversStartedBefore: async (botId, before, limit) => openAll(await inner.waitingHandoversStartedBefore(botId, before, limit)),
    async transitionHandover(id, expectedVersion, patch, events) {
      // Any note is sealed, the empty one too: a "" left in the clear read back as tampered (500 on
      // every later read of the handover; found by the console fuzz, seed 878464841).
      const note = typeof patch.resolutionNote === 'string';
      if (!note && !events?.length) return openOne(await inner.transitionHandover(id, expectedVersion, patch));
      const conversationId = await conversationOf(id);
      if (conversationId === null) return null;
      const f = await unlessErased(() => kit.sealer(conversationId), null);
      if (!f) return null;
      const sealed = note ? { ...patch, resolutionNote: f(FIELD.resolutionNote, patch.resolutionNote!) } : patch;
      return openOne(await inner.transitionHandover(id, expectedVersion, sealed, sealEvents(conversationId, events, f)));
    },
    async rateHandover(id, score, comment, events) {
      if (comment === null && !events?.length) return inner.rateHandover(id, score, null);
      const conversationId = await conversationOf(id);
      if (conversationId === null) return false;
      const f = await unlessErased(() => kit.sealer(conversationId), null);
      return f ? inner.rateHandover(id, score, comment === null ? null : f(FIELD.ratingComment, comment), sealEvents(conversationId, events, f)) : false;
    },
    async addHandoverNote(note) {
      const conversationId = await conversationOf(note.handoverId);
      // No handover (or its conversation erased), no key to seal with: refused, never stored in the clear.
      const f = conversationId === null ? null : await unlessErased(() => kit.sealer(conversationId), null);
      if (!f) throw storeError('unknown_handover', 'no such handover');
      return inner.addHandoverNote(transformNote(note, f));
    },
    async listHandoverNotes(handoverId) {
      const notes = await inner.listHandoverNotes(handoverId);
      const conversationId = await conversationOf(handoverId);
      if (conversationId === null || notes.length === 0) return notes;
      return unlessErased(() => kit.opened(conversationId, (f) => notes.map((note) => transformNote(note, f))), []);
    },
  };
}
