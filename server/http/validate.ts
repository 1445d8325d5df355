// Schema validation of request input: strict objects (unknown fields rejected), plain strings
// (operator-shaped values such as {"$gt": ""} fail the type), one clear 400 naming the field.
import type { Middleware } from 'koa';
import type { z } from 'zod';
import createError from 'http-errors';

export function validate<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue?.path.length ? issue.path.join('.') : 'body';
  throw createError(400, `${where}: ${issue?.message ?? 'invalid'}`, { code: 'invalid_request' });
}

/**
 * The body, validated, as ctx.state.input: for routes whose next steps must only ever see valid
 * input (a malformed request is refused before it is charged to a rate limit).
 */
export function validBody<T extends z.ZodType>(schema: T): Middleware {
  return async (ctx, next) => {
    ctx.state.input = validate(schema, ctx.request.body);
    await next();
  };
}
