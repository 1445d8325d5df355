// One log line per request: method, path (never the query string, which may carry ids), status
// and time. Bodies and headers stay out; the logger's redaction is the second line of defence.
import type { Middleware } from 'koa';
import type { Logger } from 'pino';

export function accessLog(logger: Logger): Middleware {
  return async (ctx, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      logger.info({ method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(performance.now() - started) }, 'request');
    }
  };
}
