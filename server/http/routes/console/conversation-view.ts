// A conversation as the console's browser shows it: metadata only, never its dialog state or text.
import type { ConversationSummary } from '../../../../common/conversations-wire.ts';
import type { ConversationMeta } from '../../../store/store.ts';

export function conversationSummary(conversation: ConversationMeta): ConversationSummary {
  return {
    id: conversation.id,
    botId: conversation.botId,
    startedAt: conversation.createdAt.toISOString(),
    lastActivityAt: conversation.lastActivityAt.toISOString(),
    locale: conversation.locale,
    intents: [...conversation.intents],
    outcomes: [...conversation.outcomes],
    handedOver: conversation.handover,
  };
}
