// Request bodies: JSON only on JSON endpoints, form only on the Pusher auth endpoint, both capped.
// Parsing is @koa/bodyparser's; what we add is the 415 for any other content type.
import { bodyParser } from '@koa/bodyparser';
import type { Middleware } from 'koa';
import { httpError } from './errors.ts';

const MAX_BODY = '32kb';

const parseJson = bodyParser({ enableTypes: ['json'], jsonLimit: MAX_BODY, encoding: 'utf-8' });
const parseForm = bodyParser({ enableTypes: ['form'], formLimit: '4kb', encoding: 'utf-8' });

/**
 * The parser decodes invalid UTF-8 leniently, turning each bad byte into U+FFFD. Such a body was
 * not the text its sender meant, so it is refused instead of stored as replacement characters.
 */
const strictUtf8: Middleware = async (ctx, next) => {
  if (ctx.request.rawBody?.includes('\uFFFD')) throw httpError(400, 'invalid_encoding', 'The body is not valid UTF-8');
  await next();
};

export function jsonBody(): Middleware {
  return async (ctx, next) => {
    if (!ctx.is('application/json')) throw httpError(415, 'unsupported_media_type', 'Send application/json');
    await parseJson(ctx, () => strictUtf8(ctx, next));
  };
}

export function formBody(): Middleware {
  return async (ctx, next) => {
    if (!ctx.is('application/x-www-form-urlencoded')) throw httpError(415, 'unsupported_media_type', 'Send application/x-www-form-urlencoded');
    await parseForm(ctx, () => strictUtf8(ctx, next));
  };
}
