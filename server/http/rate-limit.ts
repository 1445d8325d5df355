// The one rate-limit middleware. Each route that has a budget says what a request is charged to,
// or that this request costs nothing (undefined: a resume is not a new chat); over the budget the
// request is a 429 with Retry-After before the route does anything. A route that finds it served
// the request before (ctx.state.replayed: a retried, already stored clientId) gets its point back.
import type { Context, Middleware } from 'koa';
import createError from 'http-errors';
import type { Budget, RateLimits } from '../security/rate-limits.ts';

const TOO_MANY: Record<Budget['kind'], string> = {
  newChat: 'Too many new chats; try again later',
  channelAuth: 'Too many attempts; try again later',
  message: 'You are sending messages too fast',
  consoleLoginIp: 'Too many login attempts; try again later',
  consoleLoginAccount: 'Too many login attempts; try again later',
  passwordResetIp: 'Too many password-reset requests; try again later',
  passwordResetAccount: 'Too many password-reset requests; try again later',
  typing: 'Too many typing signals; slow down',
};

export function rateLimit(limits: RateLimits, chargeTo: (ctx: Context) => Budget | undefined): Middleware {
  return async (ctx, next) => {
    const budget = chargeTo(ctx);
    if (!budget) return next();
    const verdict = await limits.spend(budget);
    if (!verdict.ok) {
      throw createError(429, TOO_MANY[budget.kind], { code: 'rate_limited', headers: { 'Retry-After': String(verdict.retryAfterSec) } });
    }
    await next();
    if (ctx.state.replayed === true) await limits.refund(budget);
  };
}
