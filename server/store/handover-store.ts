// What the live handover keeps (issue 14): one record per handover with its lifecycle, internal
// notes, operators' presence. `Store` extends HandoverStore, so both adapters implement it and
// handover-contract.ts holds them to it. Handover records belong to their conversation: deleting,
// clearing (storage off keeps only metadata) or archiving it, and the bot's retention sweep, treat
// them as they treat its messages.
import type { HandoverSource, HandoverState, ResolutionCode } from '../../common/handover-wire.ts';

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
   * Opens a handover for the conversation, `waiting`; when the conversation already has one open
   * (waiting or assigned) that one is returned unchanged and `created` is false: at most one open
   * handover per conversation, on every instance at once.
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
   * the adapters for how). Take, reassign, resolve and abandon all go through it.
   */
  transitionHandover(
    id: string,
    expectedVersion: number,
    patch: Partial<Pick<Handover, 'state' | 'assigneeId' | 'assignedAt' | 'endedAt' | 'resolution' | 'resolutionNote'>>,
  ): Promise<Handover | null>;
  /** Sets firstResponseAt if still null (the assignee's first message). */
  markFirstResponse(id: string, at: Date): Promise<void>;
  /** Stores a rating once; false when the handover is not resolved or already rated. */
  rateHandover(id: string, score: number, comment: string | null): Promise<boolean>;
  addHandoverNote(note: HandoverNote): Promise<void>;
  listHandoverNotes(handoverId: string): Promise<HandoverNote[]>;
  /** Open handovers that started before `before` (for abandoning those that waited too long). */
  waitingHandoversStartedBefore(botId: string, before: Date, limit: number): Promise<Handover[]>;
  setPresence(presence: OperatorPresence): Promise<void>;
  /** Users whose presence is available and not expired at `now`. */
  availableOperators(now: Date): Promise<string[]>;
}
