// POST /api/v1/realtime/auth: pusher-js asks to subscribe; we sign exactly the channel of the
// token's conversation (and hand over its shared secret), nothing else (SECURITY-NOTES V1, V12).
// Every attempt is charged to the caller's IP before the token is even looked at (app.ts).
import type { Middleware } from 'koa';
import type { AppDeps } from '../deps.ts';
import type { VisitorState } from '../visitor-auth.ts';
import { conversationChannel } from '../../../common/wire.ts';
import createError from 'http-errors';
import { validate } from '../validate.ts';
import { channelAuthRequest } from '../../../common/wire-schemas.ts';

export function authorizeChannel(deps: AppDeps): Middleware {
  return async (ctx) => {
    const { conversation } = ctx.state.visitor as VisitorState;
    const form = validate(channelAuthRequest, ctx.request.body);
    if (form.channel_name !== conversationChannel(conversation.id)) {
      throw createError(403, 'This token may not subscribe to that channel', { code: 'forbidden_channel' });
    }
    ctx.body = deps.channelSigner.authorizeChannel(form.socket_id, form.channel_name);
  };
}
