// GET /console/ (and any /console/* path, so a reload on any screen works): the operator console's
// page, dist/console/console.html, under its own CSP: nothing but our own script, style and API
// (and the realtime relay, for the live handover queue),
// Trusted Types with no policy at all (Preact sets text and attributes, never HTML), never framed,
// never cached. Its hashed assets are /console/assets/*, cached like the frame's.
import Router from '@koa/router';
import { send } from '@koa/send';
import { hashedAsset } from './hashed-asset.ts';
import type { AppDeps } from '../deps.ts';
import type { RealtimeClientConfig } from '../../../common/wire.ts';
import { realtimeSocketOrigin } from '../../realtime/client-config.ts';

/** The console page's policy; `connect-src` adds the realtime relay its pusher-js reaches (handover queue and conversations). */
export const consoleCsp = (realtime: RealtimeClientConfig): string => [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  `connect-src 'self' ${realtimeSocketOrigin(realtime)}`,
  "img-src 'self' data:",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
  "trusted-types 'none'",
].join('; ');

export function consoleApp(deps: Pick<AppDeps, 'distDir' | 'realtimeClient'>): Router {
  const router = new Router();
  const csp = consoleCsp(deps.realtimeClient);
  router.get('/console/assets/:file', hashedAsset(`${deps.distDir}/console/assets`));
  router.get(['/console', '/console/{*screen}'], async (ctx) => {
    await send(ctx, 'console.html', { root: `${deps.distDir}/console` });
    ctx.set('Content-Security-Policy', csp);
    ctx.set('X-Frame-Options', 'DENY');
    ctx.set('Cache-Control', 'no-store');
  });
  return router;
}
