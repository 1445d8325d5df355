// Checks an HTTP answer against the OpenAPI document (server/http/api/), with ajv on the document's
// own schemas: its status must be documented for the route, its media type too, and a JSON body
// must match the schema (answer objects allow no undocumented field). Answers for paths no route
// has are checked against what the server answers there (404, 405 and the errors that come before
// any route) and the one error shape. Every HTTP helper of the tests reports what it got here
// (test/setup/api-contract.ts for fetch, the fuzz and CSRF walkers for node:http), and so do the
// e2e pages (e2e/support/api-contract.ts); a problem fails the test that made the request.
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { API_ROUTES, buildApiDocument, openApiPath } from '../../server/http/api/document.ts';
import { isApiPath, keepProblems } from './contract-problems.ts';

export interface Exchange {
  method: string;
  /** The request's URL, or only its path and query. */
  url: string;
  status: number;
  /** The Content-Type header; null without one. */
  contentType: string | null;
  /** Null when it could not be read (a browser's redirect, a page closed first): status, headers and media type are checked still. */
  body: string | null;
  /** Lower-case header names of the answer, to check documented headers are there. */
  headers?: ReadonlySet<string>;
  /** The Allow header, for OPTIONS. */
  allow?: string | null;
}

const DOCUMENT_ID = 'https://parley.invalid/openapi.json';
const document = buildApiDocument();
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
ajv.addSchema({ ...document, $id: DOCUMENT_ID });

const compiled = new Map<string, ValidateFunction>();
function validator(pointer: string): ValidateFunction {
  let validate = compiled.get(pointer);
  if (!validate) {
    validate = ajv.compile({ $ref: `${DOCUMENT_ID}#${pointer}` });
    compiled.set(pointer, validate);
  }
  return validate;
}
const escape = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');

interface Operation {
  method: string;
  pattern: RegExp;
  path: string;
}
const OPERATIONS: Operation[] = API_ROUTES.map((route) => {
  const { path } = openApiPath(route.path);
  const pattern = new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[A-Za-z0-9_]+\\?\}/g, '[^/]+')}$`);
  return { method: route.method.toUpperCase(), pattern, path };
}).sort((a, b) => a.path.split('{').length - b.path.split('{').length); // `/conversations/filters` before `/conversations/{id}`

/** What the server may answer on a path or method no route has: not found, wrong method, and what comes before routing. */
const UNROUTED = new Set([400, 404, 405, 408, 431]);

/**
 * What a reverse proxy in front of Parley answers itself (docs/deploy.md: an instance died with the
 * request in flight, or did not answer in time). Parley never sends these; they are not its to describe.
 */
const GATEWAY = new Set([502, 504]);


function checkBody(where: string, pointer: string, body: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return [`${where}: the body is not JSON: ${body.slice(0, 200)}`];
  }
  const validate = validator(pointer);
  if (validate(parsed)) return [];
  return [`${where}: the body does not match the document: ${ajv.errorsText(validate.errors)}; body ${body.slice(0, 500)}`];
}

const mediaType = (contentType: string | null) => (contentType ?? '').split(';')[0]!.trim().toLowerCase();

/** The error shape, for answers the document has no route for. */
function checkUnrouted(where: string, exchange: Exchange): string[] {
  if (!UNROUTED.has(exchange.status)) return [`${where}: ${exchange.status} where no route is (only ${[...UNROUTED].join(', ')} may come from there)`];
  if (mediaType(exchange.contentType) !== 'application/json') return [`${where}: an error that is not JSON (${exchange.contentType ?? 'no Content-Type'})`];
  return exchange.body === null ? [] : checkBody(where, '/components/schemas/Error', exchange.body);
}

/** OPTIONS on a path the document has: the router's 200, empty, whose Allow names the documented methods (and HEAD with GET). */
function checkOptions(where: string, onPath: Operation[], exchange: Exchange): string[] {
  if (exchange.status !== 200) return checkUnrouted(where, exchange);
  const path = onPath[0]!.path;
  const documented = onPath.filter((op) => op.path === path).flatMap((op) => (op.method === 'GET' ? ['GET', 'HEAD'] : [op.method]));
  const allowed = (exchange.allow ?? '').split(',').map((m) => m.trim()).filter(Boolean);
  const problems: string[] = [];
  if ([...allowed].sort().join() !== [...documented].sort().join()) problems.push(`${where}: Allow is "${exchange.allow ?? ''}", the document has ${documented.join(', ')}`);
  if (exchange.body !== '') problems.push(`${where}: a body on an OPTIONS answer`);
  return problems;
}

/** Every way `exchange` departs from the document; empty when it keeps to it. */
export function contractProblems(exchange: Exchange): string[] {
  const { pathname } = new URL(exchange.url, 'http://127.0.0.1');
  if (!isApiPath(pathname) || GATEWAY.has(exchange.status)) return [];
  const method = exchange.method.toUpperCase();
  const where = `${method} ${pathname} → ${exchange.status}`;
  const onPath = OPERATIONS.filter((op) => op.pattern.test(pathname));
  if (method === 'OPTIONS' && onPath.length > 0) return checkOptions(where, onPath, exchange);
  const operation = onPath.find((op) => op.method === method || (method === 'HEAD' && op.method === 'GET'));
  if (!operation) return checkUnrouted(where, exchange);
  const responsePointer = `/paths/${escape(operation.path)}/${operation.method.toLowerCase()}/responses/${exchange.status}`;
  const responses = (document.paths?.[operation.path] as Record<string, { responses: Record<string, unknown> }>)[operation.method.toLowerCase()]!.responses;
  const response = responses[String(exchange.status)] as { content?: Record<string, unknown>; headers?: Record<string, unknown> } | undefined;
  if (!response) return [`${where}: status ${exchange.status} is not documented for ${operation.method} ${operation.path} (documented: ${Object.keys(responses).join(', ')})`];
  const problems: string[] = [];
  for (const header of Object.keys(response.headers ?? {})) {
    if (exchange.headers && !exchange.headers.has(header.toLowerCase())) problems.push(`${where}: the documented header ${header} is missing`);
  }
  if (method === 'HEAD') return problems;
  if (!response.content) {
    if (exchange.body) problems.push(`${where}: a body where the document has none: ${exchange.body.slice(0, 200)}`);
    return problems;
  }
  const type = mediaType(exchange.contentType);
  if (!(type in response.content)) return [...problems, `${where}: Content-Type ${type || 'none'} is not documented (documented: ${Object.keys(response.content).join(', ')})`];
  if (type !== 'application/json' || exchange.body === null) return problems;
  return [...problems, ...checkBody(where, `${responsePointer}/content/${escape(type)}/schema`, exchange.body)];
}

/**
 * For answers to requests too malformed to say which route they were for (the fuzzer's raw bytes):
 * an error that is JSON has the one error shape.
 */
export function recordErrorAnswer(where: string, answer: Pick<Exchange, 'status' | 'contentType'> & { body: string }): string[] {
  if (answer.status < 400 || mediaType(answer.contentType) !== 'application/json') return [];
  const problems = checkBody(`${where} → ${answer.status}`, '/components/schemas/Error', answer.body);
  keepProblems(problems);
  return problems;
}

/** Checks `exchange` and keeps its problems for the test to fail on (contract-problems.ts); returns them too. */
export function recordExchange(exchange: Exchange): string[] {
  const problems = contractProblems(exchange);
  keepProblems(problems);
  return problems;
}
