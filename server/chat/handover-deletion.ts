// A conversation deleted while a handover of it is open, by its visitor or by an administrator's
// erasure for a data subject. The store's one deletion takes the handover record with the
// conversation; what is left to do is tell the console, so the holder's screen ends at once instead
// of posting into nothing: `handover-deleted` on the bot's queue and the conversation's console
// channel (sealed like everything there), and an audit entry that names the handover, its bot and
// who deleted it (`visitor` or `subject-erasure`) and nothing personal (no actor, no address, no text).
import { EVENT_HANDOVER_DELETED, consoleConversationChannel, queueChannel, type HandoverDeleted } from '../../common/handover-wire.ts';
import { recordAudit } from '../audit/record.ts';
import type { ConversationOwner } from '../store/store.ts';
import { publishBestEffort } from './publish.ts';
import type { ChatDeps } from './deps.ts';

/** Who deletes: the visitor (their token names the owner), or an erasure for a data subject. */
export type Deletion = { by: 'visitor'; owner: ConversationOwner } | { by: 'subject-erasure' };

/** Deletes the conversation (false: gone already, or not the visitor's) and tells the console when a handover of it was open. */
export async function deleteConversationOf(
  deps: Pick<ChatDeps, 'store' | 'publisher' | 'logger' | 'clock'>,
  conversationId: string,
  deletion: Deletion,
): Promise<boolean> {
  // Read before: after the deletion there is nothing left to read. A handover opened in between is
  // gone too and simply leaves the next list.
  const open = await deps.store.openHandoverOf(conversationId);
  const deleted = await deps.store.deleteConversation(conversationId, deletion.by === 'visitor' ? deletion.owner : undefined);
  if (!deleted || !open) return deleted;
  const gone: HandoverDeleted = { id: open.id, conversationId, botId: open.botId };
  await Promise.all([
    publishBestEffort(deps.publisher, deps.logger, queueChannel(open.botId), EVENT_HANDOVER_DELETED, gone),
    publishBestEffort(deps.publisher, deps.logger, consoleConversationChannel(conversationId), EVENT_HANDOVER_DELETED, gone),
  ]);
  await recordAudit(deps.store, { at: deps.clock(), action: 'handover.deleted', target: open.id, outcome: 'ok', details: { bot: open.botId, state: open.state, by: deletion.by } });
  return deleted;
}
