// POST /api/v1/messages stores the visitor's message before answering 202 (a crash afterwards
// loses nothing), then runs the bot turn in the background; a repeated clientId gets the stored
// message back, starts no second turn and costs no rate-limit point (ctx.state.replayed).
// GET /api/v1/messages?after= returns history in order, a rating offer only while there is one
// to give (chat/rating-offer.ts).
import type { Middleware } from 'koa';
import type { AppDeps } from '../deps.ts';
import type { VisitorState } from '../visitor-auth.ts';
import type { OpenedToken } from '../../tokens/visitor-token.ts';
import type { HistoryResponse, SendResponse } from '../../../common/wire.ts';
import { EVENT_MESSAGE, conversationChannel } from '../../../common/wire.ts';
import { unauthorized } from '../visitor-auth.ts';
import { storeErrorCode } from '../../store/index.ts';
import { validate } from '../validate.ts';
import { historyQuery, type SendInput } from '../../../common/wire-schemas.ts';
import { publishBestEffort } from '../../chat/publish.ts';
import { withCurrentRatingOffer } from '../../chat/rating-offer.ts';
import { deleteConversationOf } from '../../chat/handover-deletion.ts';
import { MASKED_PII } from '../../privacy/mask.ts';

export function sendMessage(deps: AppDeps): Middleware {
  return async (ctx) => {
    const { conversation, claims, profile } = ctx.state.visitor as VisitorState;
    const body = ctx.state.input as SendInput; // validBody(sendRequest), before the rate limit

    // A button press is stored as its action so history shows what was chosen. An answer to a
    // form slot tagged as PII is stored masked: the engine hands the value to the store apart
    // from message text (SECURITY-NOTES, data governance).
    const pii = 'text' in body ? deps.engine.pendingPii(profile.id, conversation.state) : 'none';
    const text = 'text' in body ? (pii === 'none' ? body.text : MASKED_PII) : body.action;
    // The message and its pending turn are one write: after the 202 the turn cannot be lost.
    const input = 'text' in body ? { text: body.text } : { action: body.action };
    const turn = { input, locale: claims.locale, access: claims.access };
    const { message, created } = await deps.store
      .appendVisitorMessage({ conversationId: conversation.id, clientId: body.clientId, sender: 'visitor', text, turn })
      .catch((err: unknown) => {
        // Deleted (or archived) between the token check and now: the token has just ended.
        if (storeErrorCode(err) === 'unknown_conversation') throw unauthorized();
        throw err;
      });
    if (!created) ctx.state.replayed = true; // a retry: its rate-limit point is given back
    if (created) {
      // Other tabs of this conversation see the visitor's message too, before the bot's answer.
      const channel = conversationChannel(conversation.id);
      void publishBestEffort(deps.publisher, deps.logger, channel, EVENT_MESSAGE, message, 1).finally(() => deps.turns.kick(conversation.id));
    }
    ctx.status = 202;
    ctx.body = { message } satisfies SendResponse;
  };
}

export function listMessages(deps: AppDeps): Middleware {
  return async (ctx) => {
    const { conversation } = ctx.state.visitor as VisitorState;
    const query = validate(historyQuery, ctx.query);
    const messages = await withCurrentRatingOffer(deps.store, conversation.id, await deps.store.listMessages(conversation.id, query.after, query.limit));
    ctx.body = { messages } satisfies HistoryResponse;
  };
}

/** Behind requireDeletionToken: live or archived, the token's own conversation only (an open handover's console hears of it). */
export function deleteConversation(deps: AppDeps): Middleware {
  return async (ctx) => {
    const claims = ctx.state.claims as OpenedToken;
    const deleted = await deleteConversationOf(deps, claims.conversationId, { by: 'visitor', owner: { botId: claims.botId, visitorId: claims.visitorId } });
    // Gone already, or not this visitor's: the token has ended, like everywhere else.
    if (!deleted) throw unauthorized();
    deps.logger.info({ conversation: claims.conversationId }, 'conversation deleted by visitor');
    ctx.status = 204;
  };
}
