// Schema validation of request input: strict objects (unknown fields rejected), plain strings
// (operator-shaped values such as {"$gt": ""} fail the type), one clear 400 naming the field.
import type { z } from 'zod';
import { httpError } from './errors.ts';

export function validate<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue?.path.length ? issue.path.join('.') : 'body';
  throw httpError(400, 'invalid_request', `${where}: ${issue?.message ?? 'invalid'}`);
}
