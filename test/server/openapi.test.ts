// Issue 18, "Contract": the OpenAPI 3.1 document is valid, served to anyone at /api/v1/openapi.json
// (cacheable), lists exactly the routes the Koa routers register, and the check every test's
// answers go through (test/helpers/api-contract.ts) refuses an undocumented status or field.
import { createMetrics } from '../../server/metrics/metrics.ts';
import type Koa from 'koa';
import type Router from '@koa/router';
import pino from 'pino';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/http/app.ts';
import type { AppDeps } from '../../server/http/deps.ts';
import { loadConfig } from '../../server/config/index.ts';
import { buildApiDocument } from '../../server/http/api/document.ts';
import { contractProblems } from '../helpers/api-contract.ts';
import { isApiPath } from '../helpers/contract-problems.ts';
import { startInProcess } from '../helpers/in-process-parley.ts';
import { call, openSession } from '../helpers/visitor-api.ts';
import type { RunningParley } from '../../server/start.ts';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** Parley's pages and files: routes of the app that are not API and so not in the document. */
const NOT_API = ['GET /widget.js', 'GET /frame.html', 'GET /assets/:file', 'GET /console/assets/:file', 'GET /console', 'GET /console/{*screen}', 'GET /metrics'];

/** `METHOD path` of every route the app's routers register (HEAD goes with GET). */
function registeredRoutes(app: Koa): string[] {
  const routers = app.middleware.map((mw) => (mw as { router?: Router }).router).filter((r): r is Router => r !== undefined);
  const routes = new Set<string>();
  for (const router of routers) {
    for (const layer of router.stack) {
      const paths = Array.isArray(layer.path) ? layer.path : [layer.path];
      for (const method of layer.methods.filter((m) => m !== 'HEAD')) for (const path of paths) routes.add(`${method} ${String(path)}`);
    }
  }
  return [...routes].sort();
}

/** The document's `METHOD path` in Koa's form (`{id}` → `:id`). */
function documentedRoutes(document: ReturnType<typeof buildApiDocument>): string[] {
  return Object.entries(document.paths ?? {})
    .flatMap(([path, item]) => METHODS.filter((m) => (item as Record<string, unknown>)[m]).map((m) => `${m.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ':$1')}`))
    .sort();
}

describe('the OpenAPI document', () => {
  let parley: RunningParley;
  beforeAll(async () => {
    parley = await startInProcess();
  });
  afterAll(() => parley?.close());

  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(JSON.parse(JSON.stringify(buildApiDocument('http://localhost:3000'))) as Record<string, unknown>);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('lists exactly the routes the Koa routers register, with the same methods (the rest are pages and files)', () => {
    const publicUrl = 'http://localhost:3000';
    const deps = {
      // METRICS_TOKEN set: every route there can be is registered (without it there is no /metrics).
      config: loadConfig({ DATA_DIR: '/nonexistent', LOG_LEVEL: 'silent', METRICS_TOKEN: 'a-metrics-token-for-the-route-list' }),
      publicUrl,
      logger: pino({ level: 'silent' }),
      realtimeClient: { key: 'k', wsHost: 'localhost', wsPort: 3000, wssPort: 3000, forceTLS: false, cluster: 'mt1', authEndpoint: `${publicUrl}/api/v1/realtime/auth` },
      distDir: '/nonexistent',
      publicDir: '/nonexistent',
      metrics: createMetrics(),
    } as unknown as AppDeps;
    const registered = registeredRoutes(createApp(deps));
    const api = registered.filter((route) => isApiPath(route.split(' ')[1]!));
    expect(registered.filter((route) => !api.includes(route)).sort()).toEqual([...NOT_API].sort());
    expect(api).toEqual(documentedRoutes(buildApiDocument()));
  });

  it('is served to anyone at /api/v1/openapi.json, cacheable, and answers If-None-Match with 304', async () => {
    const res = await fetch(`${parley.url}/api/v1/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('cache-control')).toBe('public, max-age=3600');
    expect(await res.json()).toEqual(JSON.parse(JSON.stringify(buildApiDocument(parley.url))));
    const etag = res.headers.get('etag');
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    // As a browser revalidates (fetch() with If-None-Match alone adds Cache-Control: no-cache, which asks for it whole).
    const again = await fetch(`${parley.url}/api/v1/openapi.json`, { headers: { 'If-None-Match': etag!, 'Cache-Control': 'max-age=0' } });
    expect(again.status).toBe(304);
  });

  it('the check of every test’s answers refuses an undocumented field, an undocumented status, a wrong error shape and a stray answer', async () => {
    const res = await call(parley.url, '/api/v1/sessions', { json: { bot: 'demo', origin: 'http://localhost:5173' } });
    const exchange = { method: 'POST', url: '/api/v1/sessions', status: res.status, contentType: res.headers.get('content-type'), body: JSON.stringify(res.body) };
    expect(contractProblems(exchange)).toEqual([]);
    expect(contractProblems({ ...exchange, body: JSON.stringify({ ...res.body, secret: 'x' }) }).join()).toMatch(/does not match the document.*additional properties/);
    expect(contractProblems({ ...exchange, status: 202 }).join()).toMatch(/status 202 is not documented for POST \/api\/v1\/sessions/);
    const refusal = { ...exchange, status: 404, body: JSON.stringify({ error: { code: 'unknown_bot' } }) };
    expect(contractProblems(refusal).join()).toMatch(/must have required property 'message'/);
    expect(contractProblems({ ...refusal, body: JSON.stringify({ error: { code: 'no_such_code', message: 'x' } }) }).join()).toMatch(/allowed values/);
    expect(contractProblems({ ...exchange, url: '/api/v1/nothing-here', status: 200 }).join()).toMatch(/200 where no route is/);
    const session = await openSession(parley.url);
    const typing = await call(parley.url, '/api/v1/typing', { token: session.token, json: { typing: true } });
    expect(typing.status).toBe(204);
    expect(contractProblems({ method: 'POST', url: '/api/v1/typing', status: 204, contentType: 'application/json', body: '{"ok":true}' }).join()).toMatch(/a body where the document has none/);
    // OPTIONS is the router's: 200, empty, Allow naming the path's documented methods.
    expect((await fetch(`${parley.url}/api/v1/console/users`, { method: 'OPTIONS' })).status).toBe(200);
    const options = { method: 'OPTIONS', url: '/api/v1/console/users', status: 200, contentType: null, body: '' };
    expect(contractProblems({ ...options, allow: 'HEAD, GET, POST' })).toEqual([]);
    expect(contractProblems({ ...options, allow: 'HEAD, GET, POST, DELETE' }).join()).toMatch(/Allow is "HEAD, GET, POST, DELETE", the document has/);
  });
});
