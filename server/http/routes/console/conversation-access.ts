// What the /conversations/:id routes share: authorize()'s scope that finds the conversation (and so
// its bot, which roles.ts needs), and the one answer for a conversation the caller may not reach.
import type { Context } from 'koa';
import createError from 'http-errors';
import { CONVERSATION_ID_PATTERN } from '../../../../common/ids.ts';
import type { Conversation, Store } from '../../../store/store.ts';
import type { BotScope } from './authorize.ts';

/** Unknown, deleted, archived or another bot's: one answer, so nobody learns which conversations exist. */
export const noSuchConversation = () => createError(404, 'No such conversation', { code: 'not_found' });

/** The conversation of `/conversations/:id`, read once, for authorize() and then the route (ctx.state.conversation). */
export function conversationScope(store: Pick<Store, 'getConversation'>): BotScope {
  return {
    refusal: noSuchConversation,
    async resolve(ctx) {
      const id = String(ctx.params.id);
      const conversation = CONVERSATION_ID_PATTERN.test(id) ? await store.getConversation(id) : null;
      ctx.state.conversation = conversation;
      return { bot: conversation?.botId, target: conversation ? id : null };
    },
  };
}

/** For routes behind conversationScope: the conversation is there, or authorize() already refused. */
export const conversationOf = (ctx: Context): Conversation => ctx.state.conversation as Conversation;
