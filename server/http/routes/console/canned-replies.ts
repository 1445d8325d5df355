// GET /bots/:bot/canned-replies?locale=: the replies an operator inserts with one click, from the
// bot's handover settings, in the asked language (the bot's default when it has none in it).
import type { Middleware } from 'koa';
import type { CannedReply } from '../../../../common/handover-wire.ts';
import { BOT_ID_PATTERN } from '../../../../common/ids.ts';
import { languageOf } from '../../../../common/languages.ts';
import type { AppDeps } from '../../deps.ts';
import { validate } from '../../validate.ts';
import type { BotScope } from './authorize.ts';
import { cannedRepliesQuery } from '../../../../common/handover-wire-schemas.ts';

/** authorize()'s scope for `/bots/:bot/…`: a bot that is loaded (an unknown one is refused like another's). */
export function botParamScope(deps: Pick<AppDeps, 'engine'>): BotScope {
  return {
    async resolve(ctx) {
      const bot = String(ctx.params.bot);
      const known = BOT_ID_PATTERN.test(bot) && deps.engine.profile(bot) !== undefined;
      return { bot: known ? bot : undefined, target: known ? bot : null };
    },
  };
}

export function cannedReplies(deps: AppDeps): Middleware {
  return async (ctx) => {
    const { locale } = validate(cannedRepliesQuery, ctx.query);
    const profile = deps.engine.profile(String(ctx.params.bot))!;
    const byLocale = profile.handover?.cannedReplies ?? {};
    const language = locale === undefined ? undefined : languageOf(locale);
    const replies: CannedReply[] = (language !== undefined ? byLocale[language] : undefined) ?? byLocale[profile.defaultLocale] ?? [];
    ctx.body = { replies };
  };
}
