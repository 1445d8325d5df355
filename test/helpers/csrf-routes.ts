// Proves that every state-changing route of a @koa/router refuses a request without the CSRF
// token. The routes come from the router's own list (router.stack), not from a list kept by hand,
// so a route added later is checked the day it is added. Real HTTP to a running server.
import { request } from 'node:http';
import type Router from '@koa/router';
import { recordExchange } from './api-contract.ts';

export interface RouteProbe {
  method: string;
  path: string;
}

/** Methods that change nothing and so pass without a token (RFC 9110 "safe"). */
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Never reaches a Koa handler (Node hands it to the server's 'connect' event), so it cannot be probed. */
const UNROUTABLE = new Set(['CONNECT']);

/** Every state-changing method × route the router knows, with "sample" in each path parameter. */
export function stateChangingRoutes(router: Router): RouteProbe[] {
  const probes: RouteProbe[] = [];
  for (const layer of router.stack) {
    const methods = layer.methods.filter((method) => !SAFE.has(method) && !UNROUTABLE.has(method));
    if (methods.length === 0) continue; // router.use() middleware, or a GET-only route
    if (typeof layer.path !== 'string') throw new Error(`cannot probe a RegExp route (${String(layer.path)}): give it a string path`);
    const path = layer.url(Object.fromEntries(layer.paramNames.map((key) => [key.name, 'sample'])));
    for (const method of methods) probes.push({ method, path });
  }
  return probes;
}

interface Answer {
  status: number;
  code: string | undefined;
}

function send(baseUrl: string, probe: RouteProbe, headers: Record<string, string>): Promise<Answer> {
  const body = '{}';
  return new Promise((resolve, reject) => {
    const req = request(new URL(probe.path, baseUrl), {
      method: probe.method,
      headers: { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)), ...headers },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        recordExchange({ method: probe.method, url: probe.path, status: res.statusCode ?? 0, contentType: res.headers['content-type'] ?? null, body: text, headers: new Set(Object.keys(res.headers)), allow: res.headers.allow ?? null });
        let code: string | undefined;
        try {
          code = (JSON.parse(text) as { error?: { code?: string } }).error?.code;
        } catch {
          code = undefined;
        }
        resolve({ status: res.statusCode ?? 0, code });
      });
    });
    req.end(body);
  });
}

const refusedForCsrf = (answer: Answer) => answer.status === 403 && answer.code === 'csrf';

export interface CsrfWalk {
  /** Every route × method that was tried. */
  checked: RouteProbe[];
  /** Those that did NOT answer 403 `csrf` without the token (should be none). */
  escaped: Array<RouteProbe & { status: number }>;
  /** With `control`: those refused for CSRF even WITH the right token (the walk proved nothing for them). */
  refusedWithToken: RouteProbe[];
}

/**
 * Sends each state-changing route of `router`, served at `baseUrl`, a request that is right in
 * every way (same `Origin`, JSON body, the caller's session `headers`) but the missing
 * `X-CSRF-Token`. With `control`, also sends it WITH the right token, which must not be refused for
 * CSRF: that shows the walk's refusals come from the missing token, not from a wrong session or
 * origin. The control requests run the routes, so give it a server whose data may change.
 */
export async function walkCsrf(
  router: Router,
  baseUrl: string,
  options: { headers?: Record<string, string>; control?: { csrfToken: string } } = {},
): Promise<CsrfWalk> {
  const origin = new URL(baseUrl).origin;
  const headers = { Origin: origin, ...options.headers };
  const checked = stateChangingRoutes(router);
  const escaped: CsrfWalk['escaped'] = [];
  const refusedWithToken: RouteProbe[] = [];
  for (const probe of checked) {
    const answer = await send(baseUrl, probe, headers);
    if (!refusedForCsrf(answer)) escaped.push({ ...probe, status: answer.status });
    if (options.control && refusedForCsrf(await send(baseUrl, probe, { ...headers, 'X-CSRF-Token': options.control.csrfToken }))) {
      refusedWithToken.push(probe);
    }
  }
  return { checked, escaped, refusedWithToken };
}
