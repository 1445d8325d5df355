// The shape of the API's route table: each route's method and path, who may call it, the zod
// schemas its request is validated with (the very objects the routers use) and what it answers,
// status by status. The OpenAPI document (document.ts) is built from the tables; a test proves
// they list exactly the routes the Koa routers register (test/server/openapi.test.ts).
import type { z } from 'zod';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * Who may call a route. `visitor`: the chat frame with a visitor token (Authorization: Bearer);
 * `console`: a console session's cookie, and on a state change its CSRF token too; `sessionless`:
 * the console routes of people without a session yet (Origin and a JSON body are the proof);
 * `anyone`: no credentials at all.
 */
export type Caller = 'anyone' | 'visitor' | 'console' | 'sessionless';

/** A JSON answer, described. */
export interface Json {
  description: string;
  schema: z.ZodType;
  headers?: Record<string, string>;
}
/** An answer that is a file (Content-Disposition: attachment) of another media type. */
export interface Download {
  description: string;
  mediaType: string;
  schema: z.ZodType;
}
/** No body: 204, 304. */
export interface Empty {
  description: string;
  empty: true;
}
/** A redirect: Location, and Koa's short text or HTML saying where to (ctx.redirect). */
export interface Redirect {
  description: string;
  redirect: true;
}
/** An error body `{error: {code, message}}`; the description names the codes this route sends with it. */
export interface Failure {
  description: string;
  failure: true;
  headers?: Record<string, string>;
}
export type Answer = Json | Download | Empty | Redirect | Failure;

export interface ApiRoute {
  method: Method;
  /** As the Koa router writes it: `/api/v1/console/users/:id`. */
  path: string;
  summary: string;
  caller: Caller;
  /** The request body's schema, as the route validates it. */
  json?: z.ZodType;
  form?: z.ZodType;
  query?: z.ZodObject;
  /** Path parameters' shapes where the route checks them (any other is a string). */
  params?: z.ZodObject;
  /** Charged to a rate-limit budget: 429 with Retry-After over it. */
  rateLimited?: boolean;
  answers: Partial<Record<number, Answer>>;
}

export const json = (schema: z.ZodType, description: string, headers?: Record<string, string>): Json => ({ description, schema, ...(headers ? { headers } : {}) });
export const failure = (description: string): Failure => ({ description, failure: true });
export const empty = (description: string): Empty => ({ description, empty: true });
export const redirect = (description: string): Redirect => ({ description, redirect: true });
