// The bots' data-protection settings (common/data-protection-wire.ts), for `bots.settings`
// (administrators): read them, and save a change, which is in force at once on this instance and
// within a second on every other (server/privacy/bot-settings.ts), and audited with what it changed,
// before and after.
import type { Context, Middleware } from 'koa';
import createError from 'http-errors';
import type { BotDataSettings, BotSettingsView } from '../../../../common/data-protection-wire.ts';
import { BOT_ID_PATTERN } from '../../../../common/ids.ts';
import type { AppDeps } from '../../deps.ts';
import { BotSettingsError } from '../../../bot/settings.ts';
import type { SaveBotSettingsInput } from '../../../../common/data-protection-wire-schemas.ts';
import { audit, mustBeSignedIn } from './state.ts';

function viewOf(deps: AppDeps, ctx: Context): BotSettingsView {
  const bot = String(ctx.params.bot);
  const view = BOT_ID_PATTERN.test(bot) ? deps.botSettings.view(bot) : undefined;
  if (!view) throw createError(404, 'No such bot', { code: 'unknown_bot' });
  return view;
}

export function listBotSettings(deps: AppDeps): Middleware {
  return async (ctx) => {
    const bots = deps.engine.profiles().map((profile) => deps.botSettings.view(profile.id)!);
    ctx.body = { bots };
  };
}

export function getBotSettings(deps: AppDeps): Middleware {
  return async (ctx) => {
    ctx.body = viewOf(deps, ctx);
  };
}

/** A setting as an audit detail: details are flat strings, numbers and booleans. */
function detail(value: BotDataSettings[keyof BotDataSettings]): string | number | boolean {
  if (value === null) return 'unset';
  if (Array.isArray(value)) return value.join(' ');
  return typeof value === 'object' ? JSON.stringify(value) : value;
}

/** `<field>.before` and `<field>.after` of every field the save changed. */
function changes(before: BotDataSettings, after: BotDataSettings): Record<string, string | number | boolean> {
  const changed: Record<string, string | number | boolean> = {};
  for (const field of Object.keys(after) as Array<keyof BotDataSettings>) {
    if (JSON.stringify(before[field]) === JSON.stringify(after[field])) continue;
    changed[`${field}.before`] = detail(before[field]);
    changed[`${field}.after`] = detail(after[field]);
  }
  return changed;
}

export function saveBotSettings(deps: AppDeps): Middleware {
  return async (ctx) => {
    const { bot } = viewOf(deps, ctx);
    const input = ctx.state.input as SaveBotSettingsInput;
    const { user } = mustBeSignedIn(ctx);
    let result;
    try {
      result = await deps.botSettings.save(bot, input.version, input.settings, user.id, new Date());
    } catch (err) {
      if (err instanceof BotSettingsError) throw createError(400, err.message, { code: 'invalid_settings' });
      throw err;
    }
    if (!result.saved) {
      throw createError(409, 'These settings were changed since you opened them; load them again', { code: 'settings_changed' });
    }
    const details = { version: result.version, ...changes(result.before, result.after) };
    await audit(ctx, deps.store, { action: 'bot.settings.change', target: bot, outcome: 'ok', details });
    ctx.body = result.view;
  };
}
