// What the live handover keeps (issue 14): one record per handover with its lifecycle, internal
// notes, operators' presence. `Store` extends HandoverStore, so both adapters implement it and
// handover-contract.ts holds them to it. Handover records belong to their conversation: deleting
// or archiving it, and the bot's retention sweep, treat them as they treat its messages; clearing
// it (storage off) keeps the records, which are metadata, and forgets their text (see
// clearConversation in store.ts).
import type { HandoverSource, HandoverState, ResolutionCode } from '../../common/handover-wire.ts';
import type { WebhookEvent } from './webhook-store.ts';

export interface Handover {
  id: string; // 22-char base64url
  conversationId: string;
  botId: string;
  state: HandoverState;
  source: HandoverSource;
  origin: string;
  startedAt: Date;
  assigneeId: string | null;
  assignedAt: Date | null;
  firstResponseAt: Date | null;
  endedAt: Date | null;
  resolution: ResolutionCode | null;
  /** Internal note given on resolving; never sent to the visitor. */
  resolutionNote: string | null;
  rating: number | null;
  ratingComment: string | null;
  /** Bumped by every state or assignee change: what `take` and `reassign` compare, so racing writers get one winner. */
  version: number;
}

export interface HandoverNote {
  id: string;
  handoverId: string;
  authorId: string;
  text: string;
  createdAt: Date;
}

export interface OperatorPresence {
  userId: string;
  available: boolean;
  /** Counted offline after this unless renewed. */
  expiresAt: Date;
}

export interface HandoverStore {
  /**
   * Opens a handover for the conversation, `waiting`, version 1, with the conversation's bot and
   * origin, and sets the conversation's `handover` flag; when the conversation already has one
   * open (waiting or assigned) that one is returned unchanged and `created` is false: at most one
   * open handover per conversation, on every instance at once. `unknown_conversation` for a
   * missing, deleted or archived conversation; `invalid_argument` for an id already used.
   */
  openHandover(input: { id: string; conversationId: string; source: HandoverSource; now?: Date }): Promise<{ handover: Handover; created: boolean }>;
  getHandover(id: string): Promise<Handover | null>;
  /** The conversation's open (waiting or assigned) handover, or null. */
  openHandoverOf(conversationId: string): Promise<Handover | null>;
  /** The conversation's latest handover in any state, or null. */
  latestHandoverOf(conversationId: string): Promise<Handover | null>;
  /** Newest first, at most `limit`, of the given bots ('all' for every bot), optionally in some states or held by one user. */
  listHandovers(query: { bots: 'all' | string[]; states?: HandoverState[]; assigneeId?: string; limit: number }): Promise<Handover[]>;
  /**
   * Compare-and-set on `version`: applies `patch` only if the handover still has `expectedVersion`
   * (then bumps it) and returns the new record; null when someone changed it first. Exclusive
   * across instances and under FerretDB, which runs conditional updates as read-then-write (see
   * the adapters for how). Take, reassign, resolve and abandon all go through it. Null too for an
   * unknown id; `invalid_argument` for a patch that would reopen a resolved or abandoned handover
   * (closed stays closed, so "one open per conversation" holds). `events` (webhook events the
   * transition causes) are stored with the winning write, and only with it.
   */
  transitionHandover(
    id: string,
    expectedVersion: number,
    patch: Partial<Pick<Handover, 'state' | 'assigneeId' | 'assignedAt' | 'endedAt' | 'resolution' | 'resolutionNote'>>,
    events?: WebhookEvent[],
  ): Promise<Handover | null>;
  /** Sets firstResponseAt if still null (the assignee's first message). */
  markFirstResponse(id: string, at: Date): Promise<void>;
  /**
   * Stores a rating (an integer 1 to 5) once, with the webhook `events` it causes; false (nothing
   * stored) when the handover is unknown, not resolved or already rated.
   */
  rateHandover(id: string, score: number, comment: string | null, events?: WebhookEvent[]): Promise<boolean>;
  /** `unknown_handover` when the handover is gone (deleted with its conversation, or archived). */
  addHandoverNote(note: HandoverNote): Promise<void>;
  /** Oldest first. */
  listHandoverNotes(handoverId: string): Promise<HandoverNote[]>;
  /**
   * The bot's `waiting` handovers that started before `before`, oldest first, at most `limit` (for
   * abandoning those that waited too long; an assigned one is being answered, not waiting).
   */
  waitingHandoversStartedBefore(botId: string, before: Date, limit: number): Promise<Handover[]>;
  /** Replaces the user's presence; `unknown_user` when there is no such console user. */
  setPresence(presence: OperatorPresence): Promise<void>;
  /** Users whose presence is available and expires after `now`, by id. */
  availableOperators(now: Date): Promise<string[]>;
}
