// Schema validation of request input: strict objects (unknown fields rejected), plain strings
// (operator-shaped values such as {"$gt": ""} fail the type), one clear 400 naming the field.
import type { z } from 'zod';
import createError from 'http-errors';

export function validate<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue?.path.length ? issue.path.join('.') : 'body';
  throw createError(400, `${where}: ${issue?.message ?? 'invalid'}`, { code: 'invalid_request' });
}

