// One log line per request: method, path (never the query string, which may carry ids), status
// and time. Bodies and headers stay out; the logger's redaction is the second line of defence.
// The path is the client's to choose, so only its start is logged: enough to tell a route.
import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { capLength } from '../security/scrub.ts';

const MAX_LOGGED_PATH = 200;

export function accessLog(logger: Logger): Middleware {
  return async (ctx, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const path = capLength(ctx.path, MAX_LOGGED_PATH);
      logger.info({ method: ctx.method, path, status: ctx.status, ms: Math.round(performance.now() - started) }, 'request');
    }
  };
}
