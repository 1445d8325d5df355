// Security headers on every response, from koa-helmet.
//
// Defaults are set BEFORE `await next()`, so a route that needs something else simply sets its
// own header afterwards and wins:
//   - chat frame:  ctx.set('Content-Security-Policy', "...; frame-ancestors <bot origins>")
//                  and ctx.remove('X-Frame-Options') (the legacy header has no allowlist form;
//                  current browsers ignore it when frame-ancestors is present, older ones do not)
//   - widget.js:   ctx.set('Cross-Origin-Resource-Policy', 'cross-origin')
//   - demo page:   its own Content-Security-Policy
//
// Mount it outermost (before the error handler), and let the error handler answer with
// ctx.body/ctx.status rather than Koa's default onerror, which clears every header.
import type { Middleware } from 'koa';
import helmet from 'koa-helmet';

/** For API responses and anything that is not a page: nothing may load, frame or submit. */
export const DEFAULT_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
const HSTS_MAX_AGE_SEC = 31_536_000;

interface SecurityHeaderOptions {
  /** Send Strict-Transport-Security on requests that arrived over TLS (directly or per a trusted proxy). */
  hsts: boolean;
}

export function securityHeaders(opts: SecurityHeaderOptions): Middleware {
  const everyResponse = helmet({
    // Our own CSP below: helmet's CSP middleware joins directives with ";" and we want one fixed
    // string that the docs and tests can quote verbatim.
    contentSecurityPolicy: false,
    // HSTS is decided per request (ctx.secure); see below.
    strictTransportSecurity: false,
    crossOriginOpenerPolicy: { policy: 'same-origin' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    referrerPolicy: { policy: 'no-referrer' },
    xFrameOptions: { action: 'deny' },
    xContentTypeOptions: true,
    xPoweredBy: true, // true = remove X-Powered-By
  });
  const hsts = helmet.strictTransportSecurity({ maxAge: HSTS_MAX_AGE_SEC, includeSubDomains: true });

  return async (ctx, next) => {
    ctx.set('Content-Security-Policy', DEFAULT_CSP);
    // ctx.secure honours X-Forwarded-Proto only when app.proxy (TRUST_PROXY) is on, so a client
    // cannot talk us into HSTS on plain HTTP, nor out of it.
    const addHsts = opts.hsts && ctx.secure;
    await everyResponse(ctx, async () => {
      if (addHsts) await hsts(ctx, next);
      else await next();
    });
    // No version banner, even if some downstream library adds one. Nothing else is touched after
    // next(): route overrides must stick.
    if (!ctx.headerSent) ctx.remove('X-Powered-By');
  };
}
