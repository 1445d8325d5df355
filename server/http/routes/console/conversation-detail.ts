// GET /conversations/:id: the conversation's transcript with personal values masked
// (server/privacy/mask.ts), what each turn did, its latest handover, and whether the caller may
// reveal. Every view is in the audit log (actor, conversation, bot, outcome; never message text).
import type { Middleware } from 'koa';
import type { ConversationDetail } from '../../../../common/conversations-wire.ts';
import { can } from '../../../accounts/roles.ts';
import { loadHandoverView } from '../../../chat/handover-view.ts';
import { maskTranscript } from '../../../privacy/mask.ts';
import type { AppDeps } from '../../deps.ts';
import { TRANSCRIPT_LIMIT } from './handover-detail.ts';
import { conversationOf } from './conversation-access.ts';
import { conversationSummary } from './conversation-view.ts';
import { audit, mustBeSignedIn } from './state.ts';

export function conversationDetail(deps: AppDeps): Middleware {
  return async (ctx) => {
    const { user } = mustBeSignedIn(ctx);
    const conversation = conversationOf(ctx);
    const [messages, values, turns, handover] = await Promise.all([
      deps.store.listMessages(conversation.id, 0, TRANSCRIPT_LIMIT),
      deps.store.listValues(conversation.id),
      deps.store.listTurnMeta(conversation.id),
      deps.store.latestHandoverOf(conversation.id),
    ]);
    await audit(ctx, deps.store, { action: 'conversation.view', target: conversation.id, outcome: 'ok', details: { bot: conversation.botId, messages: messages.length } });
    ctx.body = {
      conversation: conversationSummary(conversation),
      messages: maskTranscript(messages, values),
      turns: turns.map(({ messageId, outcome, intent }) => ({ messageId, outcome, intent })),
      handover: handover ? await loadHandoverView(deps.store, handover) : null,
      mayReveal: can(user, 'personal-data.reveal', conversation.botId),
    } satisfies ConversationDetail;
  };
}
