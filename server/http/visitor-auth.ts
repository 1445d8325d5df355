// Resolves `Authorization: Bearer <visitor token>` into the token's claims and its live
// conversation. Any failure is the same 401, so a caller learns nothing about why (V2).
import type { Middleware } from 'koa';
import type { AppDeps } from './deps.ts';
import type { OpenedToken } from '../tokens/visitor-token.ts';
import type { Conversation } from '../store/store.ts';
import type { BotProfile } from '../bot/engine.ts';
import createError from 'http-errors';

export interface VisitorState {
  claims: OpenedToken;
  conversation: Conversation;
  profile: BotProfile;
}

export const unauthorized = () =>
  createError(401, 'The visitor token is missing, invalid or expired', { code: 'invalid_token', headers: { 'WWW-Authenticate': 'Bearer' } });

export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer ([A-Za-z0-9_\-.]{1,4096})$/.exec(header ?? '');
  return match?.[1];
}

export function requireVisitor(deps: Pick<AppDeps, 'tokens' | 'store' | 'engine'>): Middleware {
  return async (ctx, next) => {
    const token = bearerToken(ctx.get('Authorization'));
    const claims = token ? await deps.tokens.open(token) : null;
    if (!claims) throw unauthorized();
    const conversation = await deps.store.getConversation(claims.conversationId);
    // A deleted or archived conversation, or one that belongs to another bot, ends the token.
    if (!conversation || conversation.botId !== claims.botId || conversation.visitorId !== claims.visitorId) throw unauthorized();
    const profile = deps.engine.profile(claims.botId);
    if (!profile) throw unauthorized();
    if (!profile.enabled) throw createError(403, 'This chat is not available', { code: 'bot_disabled' });
    ctx.state.visitor = { claims, conversation, profile } satisfies VisitorState;
    await next();
  };
}

/**
 * For DELETE /api/v1/conversation only: a visitor's right to have their conversation deleted
 * outlives the chat. A token that expired less than TOKEN_RENEW_WINDOW ago still counts, and the
 * conversation may since have been archived (or its bot disabled); the store deletes only a
 * conversation of the token's bot and visitor. Every other route uses requireVisitor, which
 * refuses both.
 */
export function requireDeletionToken(deps: Pick<AppDeps, 'tokens'>): Middleware {
  return async (ctx, next) => {
    const token = bearerToken(ctx.get('Authorization'));
    const claims = token ? await deps.tokens.openForRenewal(token) : null;
    if (!claims) throw unauthorized();
    ctx.state.claims = claims satisfies OpenedToken;
    await next();
  };
}

export function clientIp(ctx: { ip: string }): string {
  return ctx.ip || 'unknown';
}
