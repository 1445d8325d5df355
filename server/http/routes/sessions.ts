// POST /api/v1/sessions: starts a conversation for a bot, or resumes the one a still-authentic
// token names (renewing it when it expired within the renew window). One step per middleware:
//
//   validBody(sessionRequest)  the body is well-formed
//   readSessionRequest         which bot, embedded where, by whom, resuming what (404/403 here)
//   rateLimit                  a new chat is charged to the caller's IP; a resume costs nothing
//   answerSession              resume or start the conversation, seal its token, answer with its first messages
import type { Context, Middleware } from 'koa';
import createError from 'http-errors';
import type { AppDeps } from '../deps.ts';
import type { SessionResponse } from '../../../common/wire.ts';
import { SESSION_MESSAGES, conversationChannel, type ChatMessage } from '../../../common/wire.ts';
import { validBody } from '../validate.ts';
import { sessionRequest, type SessionInput } from '../../../common/wire-schemas.ts';
import { originAllowed } from '../origins.ts';
import { rateLimit } from '../rate-limit.ts';
import { clientIp } from '../visitor-auth.ts';
import { newId } from '../../chat/ids.ts';
import { greet } from '../../chat/turns.ts';
import { withCurrentRatingOffer } from '../../chat/rating-offer.ts';
import type { Conversation } from '../../store/store.ts';
import type { OpenedToken } from '../../tokens/visitor-token.ts';
import type { BotProfile, VisitorIdentity } from '../../bot/engine.ts';
import { resolveLanguage } from '../../bot/locale.ts';
import type { Language } from '../../../common/languages.ts';

/** What a session request asks for, once every check has passed. */
interface CheckedRequest {
  profile: BotProfile;
  /** The host page the chat is embedded in. */
  origin: string;
  locale: Language;
  /** A valid identity presented with this request; null without one (or with a forged or expired one). */
  identity: VisitorIdentity | null;
  /** The conversation the resume token names, when this request may carry it on. */
  resumable: { conversation: Conversation; claims: OpenedToken } | null;
}

const requestOf = (ctx: Context) => ctx.state.session as CheckedRequest;

export function createSession(deps: AppDeps): Middleware[] {
  return [
    validBody(sessionRequest),
    readSessionRequest(deps),
    rateLimit(deps.limits, (ctx) => (requestOf(ctx).resumable ? undefined : { kind: 'newChat', ip: clientIp(ctx) })),
    answerSession(deps),
  ];
}

function readSessionRequest(deps: AppDeps): Middleware {
  const ownOrigin = new URL(deps.publicUrl).origin;
  return async (ctx, next) => {
    const input = ctx.state.input as SessionInput;
    const profile = embeddableBot(deps, input.bot);
    // The frame (the only caller, see frame-only.ts) names the host page in the body.
    const origin = input.origin ?? ownOrigin;
    if (!originAllowed(origin, profile.allowedOrigins, ownOrigin)) {
      throw createError(403, 'This site may not embed this chat', { code: 'origin_not_allowed' });
    }
    const identity = await deps.engine.verifyIdentity(profile.id, input.identity);
    ctx.state.session = {
      profile,
      origin,
      locale: resolveLanguage(input.locale, profile.locales as Language[], profile.defaultLocale as Language),
      identity,
      resumable: input.resume ? await resumable(deps, input.resume, { botId: profile.id, origin, identity }) : null,
    } satisfies CheckedRequest;
    await next();
  };
}

function embeddableBot(deps: AppDeps, botId: string): BotProfile {
  const profile = deps.engine.profile(botId);
  if (!profile) throw createError(404, 'No such bot', { code: 'unknown_bot' });
  if (!profile.enabled) throw createError(403, 'This chat is not available', { code: 'bot_disabled' });
  return profile;
}

/**
 * The conversation an authentic (or recently expired) token names, if this request may carry it
 * on: same bot, same host page, still live and still the token's visitor's, and not signed in to
 * by someone else. An anonymous conversation may be signed in to; from then on it is that
 * person's, and another person's identity starts a conversation of their own.
 */
async function resumable(
  deps: AppDeps,
  token: string,
  asked: { botId: string; origin: string; identity: VisitorIdentity | null },
): Promise<CheckedRequest['resumable']> {
  const claims = await deps.tokens.openForRenewal(token);
  if (!claims || claims.botId !== asked.botId || claims.origin !== asked.origin) return null;
  if (asked.identity && claims.identity && asked.identity.sub !== claims.identity.sub) return null;
  const conversation = await deps.store.getConversation(claims.conversationId);
  if (!conversation || conversation.botId !== claims.botId || conversation.visitorId !== claims.visitorId) return null;
  return { conversation, claims };
}

function answerSession(deps: AppDeps): Middleware {
  return async (ctx) => {
    const request = requestOf(ctx);
    const { profile, origin, locale, resumable } = request;
    // The identity presented now wins; without one the token's stays, expired or not, so the
    // conversation stays bound to its person and the level still ends at that identity's exp.
    const identity = request.identity ?? resumable?.claims.identity;
    const { conversation, messages } = resumable
      ? { conversation: resumable.conversation, messages: await withCurrentRatingOffer(deps.store, resumable.conversation.id, await deps.store.listMessages(resumable.conversation.id, 0, SESSION_MESSAGES)) }
      : await startConversation(deps, request);
    // Signed in to now: from here on the conversation is this person's, and a request about them finds it.
    if (identity && conversation.subject === null) await deps.store.updateConversation(conversation.id, { subject: identity.sub });
    const { token, expiresAt } = await deps.tokens.seal({
      visitorId: conversation.visitorId,
      conversationId: conversation.id,
      botId: profile.id,
      origin,
      locale,
      ...(identity ? { identity } : {}),
    });
    const resumed = resumable !== null;
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
      messages,
    } satisfies SessionResponse;
  };
}

/** A new conversation with a new visitor id, greeted at the level of the identity presented; the greeting is its first messages. */
async function startConversation(deps: AppDeps, request: CheckedRequest): Promise<{ conversation: Conversation; messages: ChatMessage[] }> {
  const conversation = await deps.store.createConversation({
    id: newId(),
    botId: request.profile.id,
    visitorId: newId(),
    origin: request.origin,
    ...(request.identity ? { subject: request.identity.sub } : {}),
    locale: request.locale,
  });
  const messages = await greet(deps, conversation, request.locale, request.identity?.level ?? 'public');
  return { conversation, messages: messages.slice(0, SESSION_MESSAGES) };
}
