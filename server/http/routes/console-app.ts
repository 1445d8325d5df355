// GET /console/ (and any /console/* path, so a reload on any screen works): the operator console's
// page, dist/console/console.html, under its own CSP: nothing but our own script, style and API,
// Trusted Types with no policy at all (Preact sets text and attributes, never HTML), never framed,
// never cached. Its hashed assets are /console/assets/*, cached like the frame's.
import Router from '@koa/router';
import { send } from '@koa/send';
import { hashedAsset } from './hashed-asset.ts';
import type { AppDeps } from '../deps.ts';

export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
  "trusted-types 'none'",
].join('; ');

export function consoleApp(deps: Pick<AppDeps, 'distDir'>): Router {
  const router = new Router();
  router.get('/console/assets/:file', hashedAsset(`${deps.distDir}/console/assets`));
  router.get(['/console', '/console/{*screen}'], async (ctx) => {
    await send(ctx, 'console.html', { root: `${deps.distDir}/console` });
    ctx.set('Content-Security-Policy', CONSOLE_CSP);
    ctx.set('X-Frame-Options', 'DENY');
    ctx.set('Cache-Control', 'no-store');
  });
  return router;
}
