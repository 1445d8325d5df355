// CSRF protection for the console API: one middleware in front of the whole console router, so
// no state-changing route can be added without it (test/helpers/csrf-routes.ts walks the router
// to prove it). A request that could change something must show, all at once, that it comes from
// our own page (Origin, Sec-Fetch-Site), that it is not what a foreign form or "simple" request
// can send (JSON only: anything else would need a CORS preflight, which Parley never grants), and
// that the page could read the session's CSRF token, which only our own origin can.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, Middleware } from 'koa';
import createError from 'http-errors';

/** RFC 9110's safe methods: they must change nothing, so they need no proof. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
export const CSRF_HEADER = 'X-CSRF-Token';

export interface CsrfOptions {
  /** The server's own origin (PUBLIC_URL's), exactly as browsers send it: scheme, host, port. */
  origin: string;
  /** The token this request must carry: its session's csrfToken; null or undefined when it has no session. */
  expectedToken: (ctx: Context) => string | null | undefined;
  /**
   * Requests that open a session (login, setting a password from a one-time link) have no session
   * and so no token to show: for them Origin, Sec-Fetch-Site and the JSON body are the proof.
   * A foreign page cannot send our Origin, and cannot send JSON without a preflight we never grant.
   */
  sessionless?: (ctx: Context) => boolean;
}

const refuse = (message: string) => createError(403, message, { code: 'csrf' });

/** Hashing first makes both sides 32 bytes, so the comparison's time reveals neither content nor length. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** The media type without parameters, lower-cased ("Application/JSON; charset=utf-8" → "application/json"). */
const mediaType = (ctx: Context): string => ctx.get('Content-Type').split(';')[0]!.trim().toLowerCase();
/** A body is present when it is chunked or has a length above zero (browsers send Content-Length: 0 for an empty POST). */
const hasBody = (ctx: Context): boolean => ctx.get('Transfer-Encoding') !== '' || (ctx.request.length ?? 0) > 0;

export function csrfProtection(options: CsrfOptions): Middleware {
  const ownOrigin = new URL(options.origin).origin;
  return async (ctx, next) => {
    if (SAFE_METHODS.has(ctx.method)) return next();
    if (ctx.get('Sec-Fetch-Site') === 'cross-site') throw refuse('Cross-site requests are not accepted');
    if (ctx.get('Origin') !== ownOrigin) throw refuse('The request must come from the console’s own origin');
    const type = mediaType(ctx);
    if (type !== '' ? type !== 'application/json' : hasBody(ctx)) throw refuse('Send the body as application/json');
    if (options.sessionless?.(ctx)) return next();
    const given = ctx.get(CSRF_HEADER);
    const expected = options.expectedToken(ctx);
    if (!expected || !given || !sameSecret(given, expected)) throw refuse(`Missing or wrong ${CSRF_HEADER} header`);
    await next();
  };
}
