// Argument checks of the handover store (handover-store.ts), shared by both adapters: every value
// reaches a query or a row as what its type says, a patch keeps only its documented fields, and a
// bad value fails with `invalid_argument` before anything is written.
import { HANDOVER_SOURCES, HANDOVER_STATES, RESOLUTION_CODES, type HandoverState } from '../../common/handover-wire.ts';
import type { Handover, HandoverNote, HandoverStore, OperatorPresence } from './handover-store.ts';
import { checkCount, checkDate, checkLimit, flag, idString, nullableDate, nullableText, oneOf, text, textList } from './arguments.ts';
import { storeError } from './errors.ts';

export type NewHandover = Parameters<HandoverStore['openHandover']>[0];
export type HandoverPatch = Parameters<HandoverStore['transitionHandover']>[2];
export type HandoverQuery = Parameters<HandoverStore['listHandovers']>[0];

/** Waiting or assigned: what "at most one open handover per conversation" counts. */
export const OPEN_STATES: readonly HandoverState[] = ['waiting', 'assigned'];

export const isOpen = (state: HandoverState): boolean => OPEN_STATES.includes(state);

const checkState = (state: HandoverState): HandoverState => oneOf('handover state', HANDOVER_STATES, state);

/** A new handover as stored, before the conversation lends it its bot and origin. */
export function newHandover(input: NewHandover): Omit<Handover, 'botId' | 'origin'> {
  return {
    id: idString(input.id),
    conversationId: idString(input.conversationId),
    state: 'waiting',
    source: oneOf('handover source', HANDOVER_SOURCES, input.source),
    startedAt: checkDate('now', input.now ?? new Date()),
    assigneeId: null,
    assignedAt: null,
    firstResponseAt: null,
    endedAt: null,
    resolution: null,
    resolutionNote: null,
    rating: null,
    ratingComment: null,
    version: 1,
  };
}

export const checkVersion = (version: number): number => checkCount('expectedVersion', version);

/** The documented fields of a transition, checked; anything else (a version, an id, a rating) is dropped. */
export function handoverPatch(patch: HandoverPatch): HandoverPatch {
  const checked: HandoverPatch = {};
  if (patch.state !== undefined) checked.state = checkState(patch.state);
  if (patch.assigneeId !== undefined) checked.assigneeId = nullableText(patch.assigneeId);
  if (patch.assignedAt !== undefined) checked.assignedAt = nullableDate('assignedAt', patch.assignedAt);
  if (patch.endedAt !== undefined) checked.endedAt = nullableDate('endedAt', patch.endedAt);
  if (patch.resolution !== undefined) checked.resolution = patch.resolution === null ? null : oneOf('resolution', RESOLUTION_CODES, patch.resolution);
  if (patch.resolutionNote !== undefined) checked.resolutionNote = nullableText(patch.resolutionNote);
  return checked;
}

/** Closed stays closed: reopening would let a conversation hold two open handovers. */
export function refuseReopen(current: HandoverState, patch: HandoverPatch): void {
  if (!isOpen(current) && patch.state !== undefined && isOpen(patch.state)) {
    throw storeError('invalid_argument', `a ${current} handover cannot become ${patch.state}`);
  }
}

export function checkScore(score: number): number {
  if (!Number.isInteger(score) || score < 1 || score > 5) throw storeError('invalid_argument', 'a rating is an integer from 1 to 5');
  return score;
}

export function handoverNote(note: HandoverNote): HandoverNote {
  return {
    id: idString(note.id),
    handoverId: idString(note.handoverId),
    authorId: text(note.authorId),
    text: text(note.text),
    createdAt: checkDate('createdAt', note.createdAt),
  };
}

/** A listHandovers query with every filter checked; absent filters stay absent. */
export function handoverQuery(query: HandoverQuery): HandoverQuery {
  return {
    bots: query.bots === 'all' ? 'all' : textList('bots', query.bots),
    ...(query.states !== undefined ? { states: textList('states', query.states).map((s) => checkState(s as HandoverState)) } : {}),
    ...(query.assigneeId !== undefined ? { assigneeId: text(query.assigneeId) } : {}),
    limit: checkLimit(query.limit),
  };
}

export function presence(input: OperatorPresence): OperatorPresence {
  return { userId: text(input.userId), available: flag('available', input.available), expiresAt: checkDate('expiresAt', input.expiresAt) };
}
