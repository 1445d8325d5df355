// Request bodies: JSON only on JSON endpoints, form only on the Pusher auth endpoint, both capped.
// Parsing is @koa/bodyparser's; what we add is the 415 for any other content type.
import { bodyParser } from '@koa/bodyparser';
import type { Middleware } from 'koa';
import { httpError } from './errors.ts';

export const MAX_BODY = '32kb';

const parseJson = bodyParser({ enableTypes: ['json'], jsonLimit: MAX_BODY, encoding: 'utf-8' });
const parseForm = bodyParser({ enableTypes: ['form'], formLimit: '4kb', encoding: 'utf-8' });

export function jsonBody(): Middleware {
  return async (ctx, next) => {
    if (!ctx.is('application/json')) throw httpError(415, 'unsupported_media_type', 'Send application/json');
    await parseJson(ctx, next);
  };
}

export function formBody(): Middleware {
  return async (ctx, next) => {
    if (!ctx.is('application/x-www-form-urlencoded')) throw httpError(415, 'unsupported_media_type', 'Send application/x-www-form-urlencoded');
    await parseForm(ctx, next);
  };
}
