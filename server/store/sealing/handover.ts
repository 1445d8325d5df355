// EXTENSION POINT for the live handover (issue 14), which lands on main after sealing: its internal
// notes, the resolution note and the visitor's rating comment are sealed with the conversation's
// data key like everything else a person says (fields.ts names them). HandoverStore is not part of
// Store yet, so sealedStore() cannot take these methods over today. When it is, one line in
// sealed-store.ts does it:
//
//     ...sealedHandoverMethods(inner, kit),      // kit: the sealer and opener sealedStore builds
//
// and the handover contract should then run on the sealed store too (as sealed-contract.test.ts
// does for the others). The record transforms below are what those methods use, tested now.
import type { Handover, HandoverNote, HandoverStore } from '../handover-store.ts';
import { storeError } from '../errors.ts';
import { FIELD, type Transform } from './fields.ts';

/** A handover record with its sealed fields sealed or opened by `f` (null stays null). */
export function transformHandover(handover: Handover, f: Transform): Handover {
  return {
    ...handover,
    resolutionNote: handover.resolutionNote === null ? null : f(FIELD.resolutionNote, handover.resolutionNote),
    ratingComment: handover.ratingComment === null ? null : f(FIELD.ratingComment, handover.ratingComment),
  };
}

export function transformNote(note: HandoverNote, f: Transform): HandoverNote {
  return { ...note, text: f(FIELD.handoverNote, note.text) };
}

/** What sealedStore() lends the handover methods: sealing with a conversation's key, opening with the keys values need. */
export interface SealingKit {
  sealer(conversationId: string): Promise<Transform>;
  opened<T>(conversationId: string, walk: (f: Transform) => T): Promise<T>;
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

/** The HandoverStore methods that carry sealed fields, sealing on the way in and opening on the way out. */
export function sealedHandoverMethods(inner: HandoverStore, kit: SealingKit): SealedHandoverMethods {
  const openOne = async (handover: Handover | null) => handover && kit.opened(handover.conversationId, (f) => transformHandover(handover, f));
  const openAll = (handovers: Handover[]) => Promise.all(handovers.map(async (h) => (await openOne(h))!));
  /** Notes and patches name a handover, not its conversation: whose key seals them is looked up. */
  const conversationOf = async (handoverId: string) => (await inner.getHandover(handoverId))?.conversationId ?? null;

  return {
    async openHandover(input) {
      const result = await inner.openHandover(input);
      return { ...result, handover: (await openOne(result.handover))! };
    },
    getHandover: async (id) => openOne(await inner.getHandover(id)),
    openHandoverOf: async (conversationId) => openOne(await inner.openHandoverOf(conversationId)),
    latestHandoverOf: async (conversationId) => openOne(await inner.latestHandoverOf(conversationId)),
    listHandovers: async (query) => openAll(await inner.listHandovers(query)),
    waitingHandoversStartedBefore: async (botId, before, limit) => openAll(await inner.waitingHandoversStartedBefore(botId, before, limit)),
    async transitionHandover(id, expectedVersion, patch) {
      let sealed = patch;
      if (patch.resolutionNote) {
        const conversationId = await conversationOf(id);
        if (conversationId === null) return null;
        sealed = { ...patch, resolutionNote: (await kit.sealer(conversationId))(FIELD.resolutionNote, patch.resolutionNote) };
      }
      return openOne(await inner.transitionHandover(id, expectedVersion, sealed));
    },
    async rateHandover(id, score, comment) {
      if (comment === null) return inner.rateHandover(id, score, null);
      const conversationId = await conversationOf(id);
      if (conversationId === null) return false;
      return inner.rateHandover(id, score, (await kit.sealer(conversationId))(FIELD.ratingComment, comment));
    },
    async addHandoverNote(note) {
      const conversationId = await conversationOf(note.handoverId);
      // No handover, no key to seal with: refused, never stored in the clear.
      if (conversationId === null) throw storeError('unknown_conversation', 'no such handover');
      return inner.addHandoverNote(transformNote(note, await kit.sealer(conversationId)));
    },
    async listHandoverNotes(handoverId) {
      const notes = await inner.listHandoverNotes(handoverId);
      const conversationId = await conversationOf(handoverId);
      if (conversationId === null || notes.length === 0) return notes;
      return kit.opened(conversationId, (f) => notes.map((note) => transformNote(note, f)));
    },
  };
}
