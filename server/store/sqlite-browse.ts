// The console's conversation browser on SQLite: one SELECT over live conversations, built from fixed
// fragments, one per filter given (no caller text ever becomes SQL), reading metadata only. The
// outcomes and intents a conversation reached are JSON arrays on its row (json_each); a rating is
// found in its handovers. Newest first by (created_at, id), which the keyset of `before` follows.
import type Database from 'better-sqlite3';
import type { Conversation, ConversationQuery } from './store.ts';
import { conversationQuery } from './arguments.ts';
import { CONVERSATION_COLUMNS, toConversation, type ConversationRow } from './sqlite-conversations.ts';

function browseSql(query: ConversationQuery): string {
  const where: string[] = [];
  if (query.bots !== 'all') where.push('bot_id IN (SELECT value FROM json_each(@bots))');
  if (query.from !== undefined) where.push('created_at >= @from');
  if (query.to !== undefined) where.push('created_at < @to');
  if (query.locale !== undefined) where.push('locale = @locale');
  if (query.outcome !== undefined) where.push('EXISTS (SELECT 1 FROM json_each(c.outcomes) WHERE value = @outcome)');
  if (query.intent !== undefined) where.push('EXISTS (SELECT 1 FROM json_each(c.intents) WHERE value = @intent)');
  if (query.handedOver) where.push('handover = 1');
  if (query.rated) where.push('EXISTS (SELECT 1 FROM handovers h WHERE h.conversation_id = c.id AND h.rating IS NOT NULL)');
  if (query.before !== undefined) where.push('(created_at < @beforeAt OR (created_at = @beforeAt AND id < @beforeId))');
  const filter = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
  return `SELECT ${CONVERSATION_COLUMNS} FROM main.conversations c ${filter} ORDER BY created_at DESC, id DESC LIMIT @limit`;
}

export function sqliteBrowse(db: Database.Database) {
  // One statement per combination of filters, prepared once.
  const statements = new Map<string, Database.Statement<Record<string, unknown>, ConversationRow>>();
  return async function browseConversations(input: ConversationQuery): Promise<Conversation[]> {
    const query = conversationQuery(input);
    if (query.bots !== 'all' && query.bots.length === 0) return [];
    const sql = browseSql(query);
    let statement = statements.get(sql);
    if (!statement) statements.set(sql, (statement = db.prepare<Record<string, unknown>, ConversationRow>(sql)));
    const rows = statement.all({
      bots: query.bots === 'all' ? null : JSON.stringify(query.bots),
      from: query.from?.getTime() ?? null,
      to: query.to?.getTime() ?? null,
      locale: query.locale ?? null,
      outcome: query.outcome ?? null,
      intent: query.intent ?? null,
      beforeAt: query.before?.createdAt.getTime() ?? null,
      beforeId: query.before?.id ?? null,
      limit: query.limit,
    });
    return rows.map(toConversation);
  };
}
