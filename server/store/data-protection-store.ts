// What data protection needs of the store (issue 15): everything kept about one conversation, live
// or archived, read in one call (a data subject's export); the conversations of one verified
// visitor (the identity `sub` a site signs), so a request about a person reaches all of them; and
// a bot's data-protection settings as saved in the console, one numbered version after another.
// `Store` extends DataProtectionStore, so both adapters implement it and
// data-protection-contract.ts holds them to it. Erasure itself is Store.deleteConversation: one
// function for every way a conversation goes (visitor, administrator, CLI).
import type { ChatMessage } from '../../common/wire.ts';
import type { CollectedValue, Conversation } from './store.ts';
import type { Handover, HandoverNote } from './handover-store.ts';

/** Everything the store keeps about one conversation. */
export interface ConversationRecord {
  conversation: Conversation;
  /** When it moved to the archive; null while live. */
  archivedAt: Date | null;
  /** Oldest first. */
  messages: ChatMessage[];
  /** Oldest first. */
  values: CollectedValue[];
  /** Oldest first, each with its notes oldest first. */
  handovers: Array<{ handover: Handover; notes: HandoverNote[] }>;
}

/**
 * One saved version of a bot's data-protection settings. The store keeps `settings` as it is given
 * (a plain JSON object, validated by the server against the bot's definition) and never reads it.
 */
export interface BotSettingsRecord {
  botId: string;
  /** 1, 2, 3… per bot; a version is saved once. */
  version: number;
  settings: Record<string, unknown>;
  savedAt: Date;
  /** The console user who saved it. */
  savedBy: string;
}

export interface DataProtectionStore {
  /** Live or archived; null when the store keeps nothing under this id. */
  readConversation(id: string): Promise<ConversationRecord | null>;
  /** Ids of the bot's conversations, live and archived, whose visitor the site identified as `subject`; oldest first. */
  conversationsOfSubject(botId: string, subject: string): Promise<string[]>;
  /** The newest saved version of a bot's settings, or null when none was ever saved. */
  botSettings(botId: string): Promise<BotSettingsRecord | null>;
  /**
   * Saves `record.version`, which must be the newest version + 1: of savers racing for the same
   * version exactly one gets true, the others false, on every instance at once (SQLite: the primary
   * key; MongoDB: a unique index). False too when a later version exists. `invalid_argument` for a
   * version below 1 or settings that are not a plain object.
   */
  saveBotSettings(record: BotSettingsRecord): Promise<boolean>;
}
