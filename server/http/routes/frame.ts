// GET /frame.html?bot=<id>: the chat frame, with a CSP whose frame-ancestors is the bot's allowed
// origins, so the browser itself refuses to show the chat on sites the owner did not list.
import type { Middleware } from 'koa';
import { send } from '@koa/send';
import type { AppDeps } from '../deps.ts';
import { allowedOrigins } from '../origins.ts';
import createError from 'http-errors';
import { realtimeSocketOrigin } from '../../realtime/client-config.ts';


function frameCsp(deps: AppDeps, ancestors: string[]): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self' ${realtimeSocketOrigin(deps.realtimeClient)}`,
    `frame-ancestors ${ancestors.join(' ')}`,
    "base-uri 'none'",
    "form-action 'none'",
    "require-trusted-types-for 'script'",
    "trusted-types 'none'",
  ].join('; ');
}

export function chatFrame(deps: AppDeps): Middleware {
  const ownOrigin = new URL(deps.publicUrl).origin;
  return async (ctx) => {
    const bot = typeof ctx.query.bot === 'string' ? ctx.query.bot : '';
    const profile = deps.engine.profile(bot);
    if (!profile || !profile.enabled) throw createError(404, 'No such bot', { code: 'unknown_bot' });
    await send(ctx, 'frame.html', { root: deps.distDir });
    ctx.set('Content-Security-Policy', frameCsp(deps, allowedOrigins(profile.allowedOrigins, ownOrigin)));
    // X-Frame-Options has no allowlist form; frame-ancestors above is the rule for this page.
    ctx.remove('X-Frame-Options');
    ctx.set('Cache-Control', 'no-store');
  };
}
