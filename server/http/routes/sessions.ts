// POST /api/v1/sessions: starts a conversation for a bot, or resumes the one a still-authentic
// token names (renewing it when it expired within the renew window).
import type { Middleware } from 'koa';
import type { AppDeps } from '../deps.ts';
import type { SessionResponse } from '../../../common/wire.ts';
import { conversationChannel } from '../../../common/wire.ts';
import { httpError } from '../errors.ts';
import { validate } from '../validate.ts';
import { sessionRequest } from '../schemas.ts';
import { originAllowed } from '../origins.ts';
import { clientIp } from '../visitor-auth.ts';
import { newId } from '../../chat/ids.ts';
import { runBotTurn } from '../../chat/bot-turn.ts';
import type { Conversation } from '../../store/store.ts';
import type { AccessLevel } from '../../bot/engine.ts';
import { resolveLanguage } from '../../bot/locale.ts';
import type { Language } from '../../../common/languages.ts';

export function createSession(deps: AppDeps): Middleware {
  const ownOrigin = new URL(deps.publicUrl).origin;

  return async (ctx) => {
    const body = validate(sessionRequest, ctx.request.body);
    const verdict = await deps.limits.sessionCreate(clientIp(ctx));
    if (!verdict.ok) throw httpError(429, 'rate_limited', 'Too many new chats; try again later', { 'Retry-After': String(verdict.retryAfterSec) });

    const profile = deps.engine.profile(body.bot);
    if (!profile) throw httpError(404, 'unknown_bot', 'No such bot');
    if (!profile.enabled) throw httpError(403, 'bot_disabled', 'This chat is not available');

    // The frame (the only caller, see frame-only.ts) names the host page in the body.
    const origin = body.origin ?? ownOrigin;
    if (!originAllowed(origin, profile.allowedOrigins, ownOrigin)) throw httpError(403, 'origin_not_allowed', 'This site may not embed this chat');

    const locale = resolveLanguage(body.locale, profile.locales as Language[], profile.defaultLocale as Language);
    const identityAccess: AccessLevel | undefined = body.identity ? await deps.engine.accessLevel(profile.id, body.identity) : undefined;

    let conversation: Conversation | null = null;
    let access: AccessLevel = identityAccess ?? 'public';
    let visitorId = newId();
    const previous = body.resume ? await deps.tokens.openForRenewal(body.resume) : null;
    if (previous && previous.botId === profile.id && previous.origin === origin) {
      conversation = await deps.store.getConversation(previous.conversationId);
      if (conversation && conversation.visitorId === previous.visitorId) {
        visitorId = previous.visitorId;
        access = identityAccess ?? previous.access;
      } else {
        conversation = null;
      }
    }

    const resumed = conversation !== null;
    if (!conversation) {
      conversation = await deps.store.createConversation({ id: newId(), botId: profile.id, visitorId, origin });
      await runBotTurn(deps, { conversation, locale, access });
    }

    const { token, expiresAt } = await deps.tokens.seal({
      visitorId,
      conversationId: conversation.id,
      botId: profile.id,
      origin,
      access,
      locale,
    });
    deps.logger.info({ bot: profile.id, conversation: conversation.id, resumed }, 'session');
    ctx.status = resumed ? 200 : 201;
    ctx.body = {
      token,
      conversationId: conversation.id,
      channel: conversationChannel(conversation.id),
      expiresAt: expiresAt.toISOString(),
      realtime: deps.realtimeClient,
      resumed,
      botName: profile.name,
    } satisfies SessionResponse;
  };
}
