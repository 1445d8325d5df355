// GET <prefix>/:file for a folder of Vite's hashed build output: one file name out of that folder,
// nothing else. The router decodes the parameter, so "..%2F" arrives here as "../", and sending the
// request path from a parent folder once reached every built file (frame.html without its CSP).
import type { Middleware } from 'koa';
import { send } from '@koa/send';
import createError from 'http-errors';

/** What Vite names a hashed asset: letters, digits, dash, underscore and dots, no leading dot. */
const ASSET_NAME = /^[\w-][\w.-]*$/;
const YEAR_MS = 365 * 86_400_000;

/** Serves `ctx.params.file` from `root`, cached for a year (the name changes with the content). */
export function hashedAsset(root: string): Middleware {
  return async (ctx) => {
    const file = (ctx.params as Record<string, string | undefined>).file ?? '';
    if (!ASSET_NAME.test(file)) throw createError(404, 'Not found', { code: 'not_found' });
    await send(ctx, file, { root, immutable: true, maxage: YEAR_MS });
  };
}
