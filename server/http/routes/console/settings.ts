// Console-wide settings (administrators): today whether everyone must have a second factor.
import type { Middleware } from 'koa';
import createError from 'http-errors';
import type { ConsoleSettings } from '../../../../common/console-wire.ts';
import type { AppDeps } from '../../deps.ts';
import type { ConsoleSettingsRecord } from '../../../store/console-store.ts';
import type { SettingsInput } from '../../../../common/console-wire-schemas.ts';
import { audit, mustBeSignedIn } from './state.ts';

const settingsView = (record: ConsoleSettingsRecord): ConsoleSettings => ({ requireTotp: record.requireTotp });

export function getSettings(deps: AppDeps): Middleware {
  return async (ctx) => {
    ctx.body = settingsView(await deps.store.getConsoleSettings());
  };
}

export function patchSettings(deps: AppDeps): Middleware {
  return async (ctx) => {
    const input = ctx.state.input as SettingsInput;
    // Requiring what one has not set up would leave this administrator only the enrolment screen.
    if (input.requireTotp && mustBeSignedIn(ctx).user.totpSecret === null) {
      throw createError(409, 'Set up your own second factor (Account) before requiring one of everyone', { code: 'totp_not_enrolled' });
    }
    const record = await deps.store.setConsoleSettings(input, new Date());
    await audit(ctx, deps.store, { action: 'settings.change', target: null, outcome: 'ok', details: { ...input } });
    ctx.body = settingsView(record);
  };
}
