// Request bodies: JSON only on JSON endpoints, form only on the Pusher auth endpoint, both capped.
// Parsing is @koa/bodyparser's; what we add is the 415 for any other content type, and for
// compressed bodies: neither the frame nor pusher-js compresses what it sends, and a body that
// fails to inflate would otherwise surface as the decompressor's own error (a 500).
import { bodyParser } from '@koa/bodyparser';
import type { Context, Middleware } from 'koa';
import createError from 'http-errors';

const MAX_BODY = '32kb';

const parseJson = bodyParser({ enableTypes: ['json'], jsonLimit: MAX_BODY, encoding: 'utf-8' });
const parseForm = bodyParser({ enableTypes: ['form'], formLimit: '4kb', encoding: 'utf-8' });

/**
 * The parser decodes invalid UTF-8 leniently, turning each bad byte into U+FFFD. Such a body was
 * not the text its sender meant, so it is refused instead of stored as replacement characters.
 */
const strictUtf8: Middleware = async (ctx, next) => {
  if (ctx.request.rawBody?.includes('\uFFFD')) throw createError(400, 'The body is not valid UTF-8', { code: 'invalid_encoding' });
  await next();
};

function refuseCompressed(ctx: Context): void {
  const encoding = ctx.get('Content-Encoding');
  if (encoding && encoding.toLowerCase() !== 'identity') throw createError(415, 'Send the body uncompressed', { code: 'unsupported_media_type' });
}

export function jsonBody(): Middleware {
  return async (ctx, next) => {
    refuseCompressed(ctx);
    if (!ctx.is('application/json')) throw createError(415, 'Send application/json', { code: 'unsupported_media_type' });
    await parseJson(ctx, () => strictUtf8(ctx, next));
  };
}

export function formBody(): Middleware {
  return async (ctx, next) => {
    refuseCompressed(ctx);
    if (!ctx.is('application/x-www-form-urlencoded')) throw createError(415, 'Send application/x-www-form-urlencoded', { code: 'unsupported_media_type' });
    await parseForm(ctx, () => strictUtf8(ctx, next));
  };
}
