// One error shape for every endpoint: {error: {code, message}} with the right status.
//
// Errors are made with http-errors, the factory Koa's ctx.throw uses too:
// `throw createError(status, message, { code, headers? })`. Only an error carrying one of Parley's
// own codes below speaks to the client in its own words. Libraries throw http-errors too,
// and theirs may carry an errno `code` and text such as "ENOENT: … stat '/srv/parley/dist/x'":
// those get the generic body for their status, and anything unexpected a generic 500, logged.
// No stack, path or library wording ever reaches a client.
import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import createError from 'http-errors';

/**
 * Every code the API answers with (README, "Errors"). An error whose code is not here is a
 * library's, whatever it says, and is answered generically.
 */
const ERROR_CODES: ReadonlySet<string> = new Set([
  'invalid_request',
  'invalid_encoding',
  'unsupported_media_type',
  'invalid_token',
  'unknown_bot',
  'bot_disabled',
  'origin_not_allowed',
  'forbidden_channel',
  'rate_limited',
  'not_found',
  'method_not_allowed',
  'csrf',
  // the console's (common/console-wire.ts)
  'invalid_credentials',
  'totp_required',
  'not_signed_in',
  'forbidden',
  'wrong_password',
  'weak_password',
  'invalid_link',
  'invalid_code',
  'totp_enrolled',
  'totp_enrolment_required',
  'totp_not_enrolled',
  'last_administrator',
  // the live handover's (common/handover-wire.ts, common/wire.ts)
  'not_holder',
  'already_taken',
  'invalid_operator',
  'nothing_to_rate',
  'sso_expired',
  // the conversation browser's and the reveal grant's (common/conversations-wire.ts, common/console-wire.ts)
  'not_grantable',
  // data protection's (common/data-protection-wire.ts)
  'invalid_settings',
  'settings_changed',
  'nothing_found',
]);

/** The body for a library's 4xx: its status stays (a 413 is a 413), its words do not. */
const GENERIC: Record<number, { code: string; message: string }> = {
  400: { code: 'bad_request', message: 'The request could not be processed' },
  403: { code: 'forbidden', message: 'The request could not be processed' },
  404: { code: 'not_found', message: 'Not found' },
  405: { code: 'method_not_allowed', message: 'Method not allowed' },
  408: { code: 'request_timeout', message: 'The request took too long' },
  413: { code: 'payload_too_large', message: 'The request could not be processed' },
  415: { code: 'unsupported_media_type', message: 'The request could not be processed' },
  431: { code: 'headers_too_large', message: 'The request headers are too large' },
};

/** The generic body of a client error status (400's for one without its own). */
export function genericError(status: number): { error: { code: string; message: string } } {
  return { error: GENERIC[status] ?? (GENERIC[400] as { code: string; message: string }) };
}
const INTERNAL = { code: 'internal', message: 'Something went wrong on our side' };

/** An error Parley raised on purpose, whose code and message are written for the client. */
function isOwnError(err: unknown): err is createError.HttpError & { code: string } {
  return createError.isHttpError(err) && err.expose && typeof err.code === 'string' && ERROR_CODES.has(err.code);
}

function clientErrorStatus(err: unknown): number | undefined {
  const status = (err as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}

export function errorHandler(logger: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) throw createError(404, 'Not found', { code: 'not_found' });
    } catch (err) {
      if (isOwnError(err)) {
        ctx.status = err.status;
        ctx.body = { error: { code: err.code, message: err.message } };
        if (err.headers) ctx.set(err.headers);
        return;
      }
      const status = clientErrorStatus(err);
      if (status !== undefined) {
        ctx.status = status;
        ctx.body = genericError(status);
        return;
      }
      logger.error({ err, path: ctx.path, method: ctx.method }, 'unhandled error');
      ctx.status = 500;
      ctx.body = { error: INTERNAL };
    }
  };
}
