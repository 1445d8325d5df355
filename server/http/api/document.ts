// The OpenAPI 3.1 document of the visitor and console APIs, built by zod-openapi from the route
// tables (visitor-routes.ts, console-routes.ts): the request schemas the routes validate with and
// the answer schemas the wire types are inferred from, so document, validation and types are one.
// What every route of a kind may answer (401 without credentials, 413 for a body too big, 429 over a
// budget…) is added here, once, from the route's caller, body and budget.
import { z } from 'zod';
import { createDocument, type oas31, type ZodOpenApiOperationObject, type ZodOpenApiResponseObject, type ZodOpenApiPathsObject } from 'zod-openapi';
import { everyErrorCode } from '../errors.ts';
import { CSRF_HEADER } from '../csrf.ts';
import { SESSION_COOKIE } from '../../accounts/session-cookie.ts';
import { CONSOLE_PREFIX } from '../routes/console/router.ts';
import type { Answer, ApiRoute } from './route-table.ts';
import { failure } from './route-table.ts';
import { visitorRoutes } from './visitor-routes.ts';
import { consoleRoutes } from './console-routes.ts';

export const API_ROUTES: readonly ApiRoute[] = [...visitorRoutes, ...consoleRoutes];

/** The one error shape (server/http/errors.ts). */
export const apiError = z
  .object({ error: z.object({ code: z.enum(everyErrorCode() as [string, ...string[]]), message: z.string() }) })
  .meta({ id: 'Error', description: 'Every error: a code to branch on and a sentence for people. Never a stack, path or library wording.' });

const retryAfter = z.object({ 'Retry-After': z.string().meta({ description: 'Seconds until the budget allows another request' }) });
const wwwAuthenticate = z.object({ 'WWW-Authenticate': z.string().meta({ description: '`Bearer`' }) });
const location = z.object({ Location: z.string().meta({ description: 'Where to go' }) });
/** What Koa's ctx.redirect writes besides Location: "Redirecting to …", as HTML when the client accepts it. */
const redirectNote = { 'text/plain': { schema: z.string() }, 'text/html': { schema: z.string() } };

const SAFE = new Set(['get']);

/** What a route answers besides its own answers, because of who calls it, what it sends and its budget. */
function sharedAnswers(route: ApiRoute): Partial<Record<number, Answer>> {
  const withBody = route.json !== undefined || route.form !== undefined;
  const fields = withBody ? '`invalid_request` (names the field), `invalid_encoding`; ' : route.query || route.params ? '`invalid_request` (names the field); ' : '';
  const shared: Partial<Record<number, Answer>> = {
    // The HTTP parser's refusals come before any route runs, so any route may get them.
    400: failure(`${fields}\`bad_request\`: the HTTP parser could not read the request (a malformed header)`),
    408: failure('`request_timeout`: the headers or body came too slowly'),
    431: failure('`headers_too_large`: headers over 16 KiB'),
    500: failure('`internal`: something went wrong on our side (logged)'),
  };
  if (withBody) {
    shared[413] = failure('`payload_too_large`: over 32 KB (a form over 4 KB)');
    shared[415] = failure('`unsupported_media_type`: not ' + (route.form ? 'application/x-www-form-urlencoded' : 'application/json') + ', or compressed');
  }
  if (route.rateLimited) shared[429] = { ...failure('`rate_limited`: over the budget; Retry-After says when to try again'), headers: { 'Retry-After': '' } };
  if (route.caller === 'visitor') {
    shared[401] = { ...failure('`invalid_token`: missing, invalid or expired visitor token'), headers: { 'WWW-Authenticate': '' } };
    shared[403] = failure('`origin_not_allowed`: not called from the chat frame; `bot_disabled`');
  }
  if (route.caller === 'console') {
    shared[401] = failure('`not_signed_in`');
    shared[403] = failure('`forbidden`: the role may not; `totp_enrolment_required`' + (SAFE.has(route.method) ? '' : '; `csrf`: no or wrong X-CSRF-Token, foreign Origin, or not JSON'));
  }
  if (route.caller === 'sessionless') shared[403] = failure('`csrf`: foreign Origin, or not JSON');
  // The console router's gate (totp-policy.ts) stops a session that must enrol first, on routes open to anyone too.
  if (route.caller === 'anyone' && route.path.startsWith(CONSOLE_PREFIX)) shared[403] = failure('`totp_enrolment_required`: the caller’s session must set up a second factor first');
  return shared;
}

function response(answer: Answer): ZodOpenApiResponseObject {
  if ('failure' in answer) {
    const headers = answer.headers?.['Retry-After'] !== undefined ? retryAfter : answer.headers?.['WWW-Authenticate'] !== undefined ? wwwAuthenticate : undefined;
    return { description: answer.description, content: { 'application/json': { schema: apiError } }, ...(headers ? { headers } : {}) };
  }
  if ('empty' in answer) return { description: answer.description };
  if ('redirect' in answer) return { description: answer.description, headers: location, content: redirectNote };
  if ('mediaType' in answer) return { description: answer.description, content: { [answer.mediaType]: { schema: answer.schema } } };
  return { description: answer.description, content: { 'application/json': { schema: answer.schema } } };
}

/** A route's own answer and the shared one for the same status are one response: both descriptions, the route's schema. */
function merged(own: Answer | undefined, shared: Answer | undefined): Answer {
  if (!own) return shared!;
  if (!shared || !('failure' in own)) return own;
  return { ...shared, description: `${own.description}; ${shared.description}` };
}

function security(route: ApiRoute): oas31.SecurityRequirementObject[] {
  if (route.caller === 'visitor') return [{ visitorToken: [] }];
  if (route.caller === 'console') return [SAFE.has(route.method) ? { consoleSession: [] } : { consoleSession: [], csrfToken: [] }];
  return [];
}

/** `/users/:id` → `/users/{id}`, and the names of its parameters. */
export function openApiPath(koaPath: string): { path: string; params: string[] } {
  const params: string[] = [];
  const path = koaPath.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => {
    params.push(name);
    return `{${name}}`;
  });
  return { path, params };
}

function operation(route: ApiRoute): ZodOpenApiOperationObject {
  const { params } = openApiPath(route.path);
  const shared = sharedAnswers(route);
  const statuses = [...new Set([...Object.keys(route.answers), ...Object.keys(shared)].map(Number))].sort((a, b) => a - b);
  const pathParams = route.params ?? (params.length ? z.object(Object.fromEntries(params.map((name) => [name, z.string()]))) : undefined);
  return {
    summary: route.summary,
    tags: [route.path.startsWith(CONSOLE_PREFIX) ? 'console' : route.path.startsWith('/api/v1/') && route.path !== '/api/v1/openapi.json' ? 'visitor' : 'operations'],
    security: security(route),
    ...(route.query || pathParams ? { requestParams: { ...(route.query ? { query: route.query } : {}), ...(pathParams ? { path: pathParams } : {}) } } : {}),
    ...(route.json ? { requestBody: { required: true, content: { 'application/json': { schema: route.json } } } } : {}),
    ...(route.form ? { requestBody: { required: true, content: { 'application/x-www-form-urlencoded': { schema: route.form } } } } : {}),
    responses: Object.fromEntries(statuses.map((status) => [String(status), response(merged(route.answers[status], shared[status]))])),
  };
}

const DESCRIPTION = [
  'The visitor API (the chat frame, with a visitor token from POST /api/v1/sessions) and the console API',
  '(a session cookie, and the session’s CSRF token on every state change). Auth, errors, rate limits and',
  'versioning: docs/api.md. Every error is `{error: {code, message}}` (the Error schema).',
].join(' ');

export type ApiDocument = ReturnType<typeof createDocument>;

export function buildApiDocument(publicUrl?: string): ApiDocument {
  const paths: ZodOpenApiPathsObject = {};
  for (const route of API_ROUTES) {
    const { path } = openApiPath(route.path);
    paths[path] = { ...paths[path], [route.method]: operation(route) };
  }
  return createDocument({
    openapi: '3.1.0',
    info: { title: 'Parley API', version: 'v1', description: DESCRIPTION },
    ...(publicUrl ? { servers: [{ url: new URL(publicUrl).origin }] } : {}),
    tags: [
      { name: 'visitor', description: 'The chat frame’s API: a visitor token (Authorization: Bearer) from POST /api/v1/sessions' },
      { name: 'console', description: 'The operator console’s API: the session cookie, and X-CSRF-Token on state changes' },
      { name: 'operations', description: 'Health checks and this document' },
    ],
    paths,
    components: {
      securitySchemes: {
        visitorToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWE', description: 'The `token` of POST /api/v1/sessions' },
        consoleSession: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: 'Set by a console sign-in' },
        csrfToken: { type: 'apiKey', in: 'header', name: CSRF_HEADER, description: 'The session’s `csrfToken` (SessionInfo), on every state-changing request, with a same-origin Origin' },
      },
    },
  });
}
