// POST /api/v1/rating: after a handover is resolved the visitor may rate it, once (1 to 5 and an
// optional comment, kept for reports). Only the conversation's latest handover counts, and only
// once resolved; otherwise 409 nothing_to_rate, nothing stored.
import type { Middleware } from 'koa';
import createError from 'http-errors';
import { publishHandoverChange } from '../../chat/handover-publish.ts';
import type { AppDeps } from '../deps.ts';
import { maskText } from '../../privacy/mask.ts';
import type { VisitorState } from '../visitor-auth.ts';
import type { RatingInput } from '../../../common/wire-schemas.ts';

const nothingToRate = () => createError(409, 'There is no finished conversation with a person to rate, or it is rated already', { code: 'nothing_to_rate' });

export function rateConversation(deps: AppDeps): Middleware {
  return async (ctx) => {
    const { conversation } = ctx.state.visitor as VisitorState;
    const input = ctx.state.input as RatingInput;
    const score = input.score;
    const comment = input.comment?.trim() ? input.comment : null;
    const latest = await deps.store.latestHandoverOf(conversation.id);
    if (latest?.state !== 'resolved') throw nothingToRate();
    // The comment is the visitor's own words: e-mail addresses, phone and card numbers in it leave masked.
    const data = { conversationId: conversation.id, handoverId: latest.id, score, comment: comment === null ? null : maskText(comment) };
    const event = deps.webhooks.event('conversation.rated', latest.botId, conversation.id, latest.id, data);
    // Stored with the rating, or not at all.
    if (!(await deps.store.rateHandover(latest.id, score, comment, [event]))) throw nothingToRate();
    deps.webhooks.written();
    const rated = await deps.store.getHandover(latest.id);
    if (rated) await publishHandoverChange(deps, rated);
    ctx.status = 201;
    ctx.body = { rating: { score, comment } };
  };
}
