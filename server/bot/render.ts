// Turns definition replies into what the visitor sees in their language: buttons leading to
// intents the visitor may not reach are dropped, so a gated intent is never even offered.
import type { AccessLevel, BotReply } from './engine.ts';
import type { Localized, ReplyDefinition } from './definition.ts';
import type { Language } from '../../common/languages.ts';
import type { LoadedBot } from './loaded-bot.ts';
import { mayReach } from './loaded-bot.ts';
import { parseAction } from './actions.ts';

export function pick<T>(value: Localized<T>, language: Language, bot: LoadedBot): T {
  // The schema guarantees every bot language is present; the default is a belt for partial maps.
  return (value[language] ?? value[bot.def.defaultLocale]) as T;
}

export function renderReplies(bot: LoadedBot, replies: readonly ReplyDefinition[], access: AccessLevel): BotReply[] {
  return replies.map((reply) => {
    const out: BotReply = { text: reply.text };
    const quickReplies = reply.quickReplies?.filter((qr) => {
      const action = parseAction(qr.action);
      if (action?.kind !== 'intent') return true;
      const intent = bot.intents.get(action.intent);
      return intent !== undefined && mayReach(access, intent);
    });
    if (quickReplies && quickReplies.length > 0) out.quickReplies = quickReplies.map((qr) => ({ ...qr }));
    if (reply.links && reply.links.length > 0) out.links = reply.links.map((link) => ({ ...link }));
    return out;
  });
}
