// Rule: "the console page is served with its own strict CSP (no inline code, Trusted Types with no
// policy, never framed; connections to itself and its realtime relay only), X-Frame-Options DENY and no caching; its hashed assets are cached and
// nothing else under /console/ leaks". Real HTTP against the console routes, mounted the way
// server/http/app.ts mounts them, over a dist/ folder made for the test.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Koa from 'koa';
import Router from '@koa/router';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorHandler } from '../../server/http/errors.ts';
import { consoleApp } from '../../server/http/routes/console-app.ts';
import { DEFAULT_CSP, securityHeaders } from '../../server/security/headers.ts';
import { listen, type Listening } from './listen.ts';

const PAGE = '<!doctype html><title>Parley console</title><script type="module" src="/console/assets/console-abc123.js"></script>';
const SCRIPT = 'document.title = "console";';

/** Where the console's pusher-js connects (a relay of its own here, as with soketi or Pusher Channels). */
const REALTIME = { key: 'k', wsHost: 'relay.example', wsPort: 6001, wssPort: 6001, forceTLS: true, cluster: 'mt1', authEndpoint: 'https://chat.example/api/v1/console/realtime/auth' };

/** The policy the console must send, written out here rather than imported, so a change is a decision. */
const EXPECTED_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self' wss://relay.example:6001; img-src 'self' data:; form-action 'self'; " +
  "base-uri 'none'; frame-ancestors 'none'; require-trusted-types-for 'script'; trusted-types 'none'";

describe('console page headers', () => {
  let server: Listening;
  let dist: string;
  beforeAll(async () => {
    dist = mkdtempSync(join(tmpdir(), 'parley-console-dist-'));
    mkdirSync(join(dist, 'console', 'assets'), { recursive: true });
    writeFileSync(join(dist, 'console', 'console.html'), PAGE);
    writeFileSync(join(dist, 'console', 'assets', 'console-abc123.js'), SCRIPT);
    writeFileSync(join(dist, 'secret.txt'), 'not for the console');
    const app = new Koa();
    app.silent = true;
    const router = new Router();
    router.use(consoleApp({ distDir: dist, realtimeClient: REALTIME }).routes());
    app.use(securityHeaders({ hsts: true }));
    app.use(errorHandler(pino({ level: 'silent' })));
    app.use(router.routes());
    app.use(router.allowedMethods({ throw: true }));
    server = await listen(app);
  });
  afterAll(async () => {
    await server.close();
    rmSync(dist, { recursive: true, force: true });
  });

  it('console: /console/, /console and any screen path answer the page with the strict CSP, DENY framing and no-store', async () => {
    for (const path of ['/console/', '/console', '/console/users', '/console/audit/log']) {
      const res = await fetch(server.url + path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toMatch(/^text\/html/);
      expect(await res.text(), path).toBe(PAGE);
      expect(res.headers.get('content-security-policy'), path).toBe(EXPECTED_CSP);
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
      expect(res.headers.get('cache-control'), path).toBe('no-store');
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), path).toBe('no-referrer');
    }
  });

  it('console: HEAD answers the same headers without a body', async () => {
    const res = await fetch(server.url + '/console/', { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toBe(EXPECTED_CSP);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.text()).toBe('');
  });

  it('console: hashed assets are served cached for a year, under the default (non-page) CSP', async () => {
    const res = await fetch(server.url + '/console/assets/console-abc123.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    expect(await res.text()).toBe(SCRIPT);
    expect(res.headers.get('cache-control')).toMatch(/max-age=31536000.*immutable/);
    expect(res.headers.get('content-security-policy')).toBe(DEFAULT_CSP);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });

  it('console: a missing asset is a JSON 404, not the page, and paths cannot climb out of dist/console', async () => {
    for (const path of ['/console/assets/nope.js', '/console/assets/..%2F..%2Fsecret.txt', '/console/assets/%2e%2e%2f%2e%2e%2fsecret.txt']) {
      const res = await fetch(server.url + path);
      const body = await res.text();
      expect(res.status, path).toBe(404);
      expect(body, path).not.toContain('not for the console');
      expect(JSON.parse(body), path).toEqual({ error: { code: 'not_found', message: 'Not found' } });
    }
  });

  it('console: the page answers only GET and HEAD', async () => {
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const res = await fetch(server.url + '/console/', { method });
      expect(res.status, method).toBe(405);
    }
  });
});
