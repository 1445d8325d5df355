// GET /realtime: what the console's pusher-js is told (the frame's relay, the console's auth
// endpoint). POST /realtime/auth: pusher-js in the console asks to subscribe (a JSON body, behind the
// session and CSRF like every console state change). Signed, with the channel's shared secret:
// - a bot's queue, queueChannel(bot), for users with handover.work on that bot;
// - one conversation, consoleConversationChannel(id), for the operator holding its open handover
//   and for supervisors and administrators of its bot (handover.reassign); such a subscription is
//   a view of the conversation, so it is audited.
// Anything else, including the visitors' chat channels: 403 forbidden_channel, nothing signed.
import type { Middleware } from 'koa';
import createError from 'http-errors';
import { consoleConversationChannel, queueChannel } from '../../../../common/handover-wire.ts';
import { BOT_ID_PATTERN, CONVERSATION_ID_PATTERN } from '../../../../common/ids.ts';
import { can } from '../../../accounts/roles.ts';
import type { ConsoleUser } from '../../../store/console-store.ts';
import type { AppDeps } from '../../deps.ts';
import { validate } from '../../validate.ts';
import { channelAuthRequest } from '../../../../common/wire-schemas.ts';
import { audit, mustBeSignedIn } from './state.ts';
import type { RealtimeClientConfig } from '../../../../common/wire.ts';
import { CONSOLE_PREFIX } from './router.ts';

const QUEUE_PREFIX = queueChannel('');
const CONVERSATION_PREFIX = consoleConversationChannel('');

const forbiddenChannel = () => createError(403, 'You may not subscribe to that channel', { code: 'forbidden_channel' });

async function mayFollowConversation(deps: AppDeps, user: ConsoleUser, conversationId: string): Promise<boolean> {
  if (!CONVERSATION_ID_PATTERN.test(conversationId)) return false;
  const conversation = await deps.store.getConversation(conversationId);
  if (!conversation) return false;
  if (can(user, 'handover.reassign', conversation.botId)) return true;
  const open = await deps.store.openHandoverOf(conversationId);
  return open !== null && open.state === 'assigned' && open.assigneeId === user.id && can(user, 'handover.work', conversation.botId);
}

export function consoleRealtime(deps: AppDeps): Middleware {
  const config: RealtimeClientConfig = { ...deps.realtimeClient, authEndpoint: new URL(`${CONSOLE_PREFIX}/realtime/auth`, deps.publicUrl).href };
  return async (ctx) => {
    ctx.body = config;
  };
}

export function consoleChannelAuth(deps: AppDeps): Middleware {
  return async (ctx) => {
    const { user } = mustBeSignedIn(ctx);
    const form = validate(channelAuthRequest, ctx.request.body);
    const channel = form.channel_name;
    if (channel.startsWith(QUEUE_PREFIX)) {
      const bot = channel.slice(QUEUE_PREFIX.length);
      if (!BOT_ID_PATTERN.test(bot) || !deps.engine.profile(bot)?.handover || !can(user, 'handover.work', bot)) throw forbiddenChannel();
    } else if (channel.startsWith(CONVERSATION_PREFIX)) {
      const conversationId = channel.slice(CONVERSATION_PREFIX.length);
      const allowed = await mayFollowConversation(deps, user, conversationId);
      await audit(ctx, deps.store, { action: 'handover.subscribe', target: allowed ? conversationId : null, outcome: allowed ? 'ok' : 'denied' });
      if (!allowed) throw forbiddenChannel();
    } else {
      throw forbiddenChannel();
    }
    ctx.body = deps.channelSigner.authorizeChannel(form.socket_id, channel);
  };
}
