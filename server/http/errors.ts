// One error shape for every endpoint: {error: {code, message}} with the right status. Anything
// unexpected becomes a generic 500 and is logged; no stack or library text ever reaches a client.
import type { Middleware } from 'koa';
import type { Logger } from 'pino';

export interface HttpError extends Error {
  status: number;
  code: string;
  expose: true;
  headers?: Record<string, string>;
}

export function httpError(status: number, code: string, message: string, headers?: Record<string, string>): HttpError {
  return Object.assign(new Error(message), { status, code, expose: true as const, headers });
}

function isHttpError(err: unknown): err is HttpError {
  return err instanceof Error && typeof (err as HttpError).code === 'string' && (err as HttpError).expose === true;
}

/** Errors that libraries (body parser, router) raise with a status of their own. */
const LIBRARY_CODES: Record<number, string> = {
  400: 'bad_request',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
};

export function errorHandler(logger: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) throw httpError(404, 'not_found', 'Not found');
    } catch (err) {
      if (isHttpError(err)) {
        ctx.status = err.status;
        ctx.body = { error: { code: err.code, message: err.message } };
        if (err.headers) ctx.set(err.headers);
        return;
      }
      const status = (err as { status?: number }).status;
      if (typeof status === 'number' && status >= 400 && status < 500) {
        // Body parser and friends: keep their status, replace their wording with ours.
        ctx.status = status;
        ctx.body = { error: { code: LIBRARY_CODES[status] ?? 'bad_request', message: 'The request could not be processed' } };
        return;
      }
      logger.error({ err, path: ctx.path, method: ctx.method }, 'unhandled error');
      ctx.status = 500;
      ctx.body = { error: { code: 'internal', message: 'Something went wrong on our side' } };
    }
  };
}
