// A conversation row on SQLite: the columns read, the row's type, and the Conversation it is. Shared
// by the adapter (sqlite.ts) and the console's browse query (sqlite-browse.ts).
import type { MessageOutcome } from '../../common/turn-outcomes.ts';
import type { Conversation } from './store.ts';
import { parseJsonColumn } from './rows.ts';

export const CONVERSATION_COLUMNS = 'id, bot_id, visitor_id, origin, created_at, last_activity_at, handover, state, subject, locale, intents, outcomes';

export interface ConversationRow {
  id: string;
  bot_id: string;
  visitor_id: string;
  origin: string;
  created_at: number;
  last_activity_at: number;
  handover: number;
  state: string;
  subject: string | null;
  locale: string | null;
  intents: string;
  outcomes: string;
}

export function toConversation(row: ConversationRow): Conversation {
  return {
    id: row.id,
    botId: row.bot_id,
    visitorId: row.visitor_id,
    origin: row.origin,
    createdAt: new Date(row.created_at),
    lastActivityAt: new Date(row.last_activity_at),
    handover: row.handover === 1,
    state: parseJsonColumn<Record<string, unknown>>(row.state) ?? {},
    subject: row.subject,
    locale: row.locale,
    intents: parseJsonColumn<string[]>(row.intents) ?? [],
    outcomes: parseJsonColumn<MessageOutcome[]>(row.outcomes) ?? [],
  };
}
