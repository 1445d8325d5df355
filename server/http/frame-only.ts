// Only our own chat frame calls the visitor API. A browser names the calling page in Origin, so a
// request from any other page (a host site, `null`, anyone) is refused before anything else runs.
// Requests without Origin (same-origin GETs, non-browser clients) still need a token where one is due.
import type { Middleware } from 'koa';
import createError from 'http-errors';

export function frameOnly(publicUrl: string): Middleware {
  const ownOrigin = new URL(publicUrl).origin;
  return async (ctx, next) => {
    const callerOrigin = ctx.get('Origin');
    if (callerOrigin && callerOrigin !== ownOrigin) throw createError(403, 'Only the chat frame may call this API', { code: 'origin_not_allowed' });
    await next();
  };
}
