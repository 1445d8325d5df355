// The built widget (dist/) and the demo site (public/). widget.js is loaded by other sites, so it
// is the one file served with a cross-origin resource policy.
import type { Middleware } from 'koa';
import { send } from '@koa/send';
import type { AppDeps } from '../deps.ts';
import { hashedAsset } from './hashed-asset.ts';

/** CSP of our own pages (the demo site): no inline code, frames only from us. */
const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "frame-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
].join('; ');

export function widgetScript(deps: AppDeps): Middleware {
  return async (ctx) => {
    await send(ctx, 'widget.js', { root: deps.distDir, maxage: 5 * 60_000 });
    ctx.set('Cross-Origin-Resource-Policy', 'cross-origin');
  };
}

/** GET /assets/:file, the frame's hashed build output. */
export function frameAssets(deps: Pick<AppDeps, 'distDir'>): Middleware {
  return hashedAsset(`${deps.distDir}/assets`);
}

export function demoSite(deps: AppDeps): Middleware {
  const canonical = new URL(deps.publicUrl);
  return async (ctx, next) => {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
    // The chat only works from the origin the server calls its own (127.0.0.1 is not localhost
    // to a browser), so the demo page sends visitors there.
    if (ctx.host !== canonical.host && ctx.path === '/') return ctx.redirect(new URL(ctx.url, canonical).href);
    const served = await send(ctx, ctx.path, { root: deps.publicDir, index: 'index.html' }).catch((err: { status?: number }) => {
      if (err.status === 404 || err.status === 400) return '';
      throw err;
    });
    if (!served) return next();
    ctx.set('Content-Security-Policy', PAGE_CSP);
  };
}
