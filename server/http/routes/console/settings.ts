// Console-wide settings (administrators): today whether everyone must have a second factor.
import type { Middleware } from 'koa';
import type { ConsoleSettings } from '../../../../common/console-wire.ts';
import type { AppDeps } from '../../deps.ts';
import type { ConsoleSettingsRecord } from '../../../store/console-store.ts';
import type { SettingsInput } from './schemas.ts';
import { audit } from './state.ts';

const settingsView = (record: ConsoleSettingsRecord): ConsoleSettings => ({ requireTotp: record.requireTotp });

export function getSettings(deps: AppDeps): Middleware {
  return async (ctx) => {
    ctx.body = settingsView(await deps.store.getConsoleSettings());
  };
}

export function patchSettings(deps: AppDeps): Middleware {
  return async (ctx) => {
    const input = ctx.state.input as SettingsInput;
    const record = await deps.store.setConsoleSettings(input, new Date());
    await audit(ctx, deps.store, { action: 'settings.change', target: null, outcome: 'ok', details: { ...input } });
    ctx.body = settingsView(record);
  };
}
