// The console's CSRF middleware over real HTTP: a Koa app with Parley's error handler, a stand-in
// for the session middleware (a cookie naming a session that holds a CSRF token), and routes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa, { type Middleware } from 'koa';
import Router from '@koa/router';
import { pino } from 'pino';
import { errorHandler } from './errors.ts';
import { csrfProtection } from './csrf.ts';
import { stateChangingRoutes, walkCsrf } from '../../test/helpers/csrf-routes.ts';

const TOKEN = 'k7Qm2vX9pL4sT8wZ1cF6hJ3nB5dG0rY-aE_uIoPqWxM';
const OTHER_SESSION_TOKEN = 'Z'.repeat(43);
const sessions = new Map([
  ['alice', { csrfToken: TOKEN }],
  ['bob', { csrfToken: OTHER_SESSION_TOKEN }],
]);

/** What the session middleware will do: find the session the cookie names. */
const fakeSession: Middleware = async (ctx, next) => {
  ctx.state.session = sessions.get(ctx.cookies.get('sid') ?? '');
  await next();
};

interface Served {
  url: string;
  router: Router;
  close(): Promise<void>;
}

/**
 * Listens first, then builds the router for the origin it got (as server/start.ts does with
 * PUBLIC_URL), behind Parley's error handler and the stand-in session middleware.
 */
async function serve(build: (origin: string) => Router): Promise<Served> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const router = build(url);
  const app = new Koa();
  app.silent = true;
  app.use(errorHandler(pino({ level: 'silent' })));
  app.use(fakeSession);
  app.use(router.routes());
  server.on('request', app.callback());
  const close = () => new Promise<void>((done) => {
    server.closeAllConnections();
    server.close(() => done());
  });
  return { url, router, close };
}

/** The console's wiring: the session middleware's token is the one the request must carry. */
const csrfFor = (origin: string) => csrfProtection({ origin, expectedToken: (ctx) => ctx.state.session?.csrfToken ?? null });

let ran: string[] = [];
const handler: Middleware = (ctx) => {
  ran.push(`${ctx.method} ${ctx.path}`);
  ctx.body = { ok: true };
};

function sampleRoutes(router: Router): Router {
  return router
    .get('/sample/users', handler)
    .post('/sample/users', handler)
    .patch('/sample/users/:id', handler)
    .put('/sample/bots/:bot/settings', handler)
    .delete('/sample/sessions/:id', handler);
}

describe('CSRF middleware', () => {
  let server: Served;
  let origin: string;
  beforeAll(async () => {
    server = await serve((url) => sampleRoutes(new Router().use(csrfFor(url))));
    origin = server.url;
  });
  afterAll(() => server.close());

  async function post(headers: Record<string, string>, body: string | null = '{}', method = 'POST', path = '/sample/users') {
    ran = [];
    const res = await fetch(server.url + path, { method, headers, body });
    return { status: res.status, body: await res.json(), ran: [...ran] };
  }
  /** fetch() labels a string body text/plain by itself; node:http sends a body with no Content-Type at all. */
  function untyped(headers: Record<string, string>, body: string) {
    ran = [];
    return new Promise<{ status: number; body: unknown; ran: string[] }>((resolve, reject) => {
      const req = request(`${server.url}/sample/users`, { method: 'POST', headers });
      req.on('error', reject);
      req.on('response', async (res) => {
        const chunks: Buffer[] = [];
        for await (const chunk of res) chunks.push(chunk as Buffer);
        resolve({ status: res.statusCode!, body: JSON.parse(Buffer.concat(chunks).toString()), ran: [...ran] });
      });
      req.end(body);
    });
  }
  const good = () => ({ Origin: origin, Cookie: 'sid=alice', 'Content-Type': 'application/json', 'X-CSRF-Token': TOKEN });
  const without = (name: string) => Object.fromEntries(Object.entries(good()).filter(([key]) => key !== name));

  function expectRefused(answer: { status: number; body: unknown; ran: string[] }) {
    expect(answer.status).toBe(403);
    expect(answer.body).toEqual({ error: { code: 'csrf', message: expect.any(String) } });
    expect(answer.ran).toEqual([]); // the route never ran
  }

  it('lets a same-origin JSON request with the session’s token through', async () => {
    const answer = await post(good());
    expect(answer).toMatchObject({ status: 200, ran: ['POST /sample/users'] });
  });

  it('lets GET, HEAD and OPTIONS through without any of it (they change nothing)', async () => {
    for (const method of ['GET', 'HEAD', 'OPTIONS']) {
      const res = await fetch(`${server.url}/sample/users`, { method });
      expect(res.status, method).not.toBe(403);
    }
  });

  it('refuses a request without the X-CSRF-Token header', async () => {
    expectRefused(await post(without('X-CSRF-Token')));
  });

  it('refuses a wrong token, another session’s token, and a token when there is no session', async () => {
    expectRefused(await post({ ...good(), 'X-CSRF-Token': TOKEN.slice(0, -1) + 'A' }));
    expectRefused(await post({ ...good(), 'X-CSRF-Token': TOKEN + 'A' }));
    expectRefused(await post({ ...good(), 'X-CSRF-Token': '' }));
    expectRefused(await post({ ...good(), 'X-CSRF-Token': OTHER_SESSION_TOKEN }));
    expectRefused(await post(without('Cookie')));
    expectRefused(await post({ ...good(), Cookie: 'sid=mallory' }));
  });

  it('refuses a missing or foreign Origin, even with the right token', async () => {
    const { port, hostname } = new URL(origin);
    expectRefused(await post(without('Origin')));
    expectRefused(await post({ ...good(), Origin: 'null' }));
    expectRefused(await post({ ...good(), Origin: 'https://evil.example' }));
    expectRefused(await post({ ...good(), Origin: `http://${hostname}:${Number(port) + 1}` }));
    expectRefused(await post({ ...good(), Origin: `https://${hostname}:${port}` }));
    expectRefused(await post({ ...good(), Origin: `${origin}.evil.example` }));
    expectRefused(await post({ ...good(), Origin: `${origin}/` }));
  });

  it('refuses Sec-Fetch-Site: cross-site, even with the right token and Origin', async () => {
    expectRefused(await post({ ...good(), 'Sec-Fetch-Site': 'cross-site' }));
    expect((await post({ ...good(), 'Sec-Fetch-Site': 'same-origin' })).status).toBe(200);
  });

  it('refuses the bodies a cross-site form or simple request can send, and a body without a type: JSON only', async () => {
    for (const type of ['text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json-seq', 'text/json']) {
      expectRefused(await post({ ...good(), 'Content-Type': type }));
    }
    expectRefused(await untyped(without('Content-Type'), 'a=1'));
    expect((await post({ ...good(), 'Content-Type': 'Application/JSON; charset=utf-8' })).status).toBe(200);
  });

  it('covers PATCH, PUT and DELETE; a request without a body needs no content type', async () => {
    expectRefused(await post(without('X-CSRF-Token'), '{}', 'PATCH', '/sample/users/u1'));
    expectRefused(await post(without('X-CSRF-Token'), '{}', 'PUT', '/sample/bots/shop/settings'));
    expectRefused(await post(without('X-CSRF-Token'), null, 'DELETE', '/sample/sessions/s1'));
    const bodiless = await post(without('Content-Type'), null, 'DELETE', '/sample/sessions/s1');
    expect(bodiless).toMatchObject({ status: 200, ran: ['DELETE /sample/sessions/s1'] });
    expect((await post(without('Content-Type'), null)).status).toBe(200); // fetch sends Content-Length: 0
  });
});

describe('walking a router’s own route list', () => {
  const servers: Served[] = [];
  afterAll(() => Promise.all(servers.map((s) => s.close())));

  /** The console's way: the middleware is the router's first layer, so it runs before any route. */
  async function guarded(): Promise<Served> {
    const server = await serve((url) => sampleRoutes(new Router().use(csrfFor(url))));
    servers.push(server);
    return server;
  }

  it('lists every state-changing method × route from router.stack, with parameters filled in', () => {
    const router = sampleRoutes(new Router());
    router.all('/sample/anything', handler);
    const probes = stateChangingRoutes(router).map((p) => `${p.method} ${p.path}`);
    expect(probes).toEqual(expect.arrayContaining([
      'POST /sample/users',
      'PATCH /sample/users/sample',
      'PUT /sample/bots/sample/settings',
      'DELETE /sample/sessions/sample',
      'POST /sample/anything',
      'DELETE /sample/anything',
    ]));
    expect(probes.filter((p) => /^(GET|HEAD|OPTIONS|CONNECT) /.test(p))).toEqual([]);
  });

  it('finds every state-changing route refusing a request without the token, including one added later', async () => {
    const server = await guarded();
    const { router } = server;
    const first = await walkCsrf(router, server.url, { headers: { Cookie: 'sid=alice' }, control: { csrfToken: TOKEN } });
    expect(first.checked).toHaveLength(4);
    expect(first).toMatchObject({ escaped: [], refusedWithToken: [] });

    router.post('/sample/users/:id/disable', handler); // a route someone adds later
    const second = await walkCsrf(router, server.url, { headers: { Cookie: 'sid=alice' }, control: { csrfToken: TOKEN } });
    expect(second.checked).toContainEqual({ method: 'POST', path: '/sample/users/sample/disable' });
    expect(second).toMatchObject({ escaped: [], refusedWithToken: [] });
  });

  it('catches a route that escapes: registered before the middleware, its handler answers first', async () => {
    const server = await serve((url) =>
      new Router()
        .post('/sample/early', handler) // before the middleware: its handler answers and never calls next
        .use(csrfFor(url))
        .post('/sample/late', handler),
    );
    servers.push(server);
    const walk = await walkCsrf(server.router, server.url, { headers: { Cookie: 'sid=alice' } });
    expect(walk.escaped).toEqual([{ method: 'POST', path: '/sample/early', status: 200 }]);
  });

  it('notices a walk that proves nothing: refusals that come from a wrong session, not the missing token', async () => {
    const server = await guarded();
    const walk = await walkCsrf(server.router, server.url, { headers: { Cookie: 'sid=nobody' }, control: { csrfToken: TOKEN } });
    expect(walk.escaped).toEqual([]);
    expect(walk.refusedWithToken).toHaveLength(4);
  });
});
