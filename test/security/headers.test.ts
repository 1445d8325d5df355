// Rule: "security headers on every response; HSTS only over TLS or behind a trusted proxy that
// says so; frame-ancestors 'none' everywhere except the chat frame". Real HTTP against Koa.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Koa from 'koa';
import { DEFAULT_CSP, securityHeaders } from '../../server/security/headers.ts';
import { listen, type Listening } from './listen.ts';

function makeApp(opts: { hsts: boolean; proxy: boolean }): Koa {
  const app = new Koa({ proxy: opts.proxy });
  app.use(securityHeaders({ hsts: opts.hsts }));
  app.use(async (ctx, next) => {
    if (ctx.path === '/frame') {
      ctx.type = 'html';
      ctx.body = '<!doctype html><title>frame</title>';
      ctx.set('Content-Security-Policy', "default-src 'self'; frame-ancestors https://shop.example");
      ctx.remove('X-Frame-Options');
      return;
    }
    if (ctx.path === '/widget.js') {
      ctx.type = 'application/javascript';
      ctx.body = 'void 0;';
      ctx.set('Cross-Origin-Resource-Policy', 'cross-origin');
      return;
    }
    if (ctx.path === '/api') {
      ctx.body = { ok: true };
      return;
    }
    if (ctx.path === '/fails') {
      // An error answered by the app's own error handling keeps the headers.
      ctx.status = 400;
      ctx.body = { error: { code: 'bad_request', message: 'nope' } };
      return;
    }
    await next();
  });
  app.use((ctx) => {
    ctx.set('X-Powered-By', 'leaky/1.0');
    ctx.status = 404;
    ctx.body = { error: { code: 'not_found', message: 'Not found' } };
  });
  return app;
}

describe('security headers', () => {
  let direct: Listening;
  let proxied: Listening;
  let proxiedNoHsts: Listening;
  beforeAll(async () => {
    direct = await listen(makeApp({ hsts: true, proxy: false }));
    proxied = await listen(makeApp({ hsts: true, proxy: true }));
    proxiedNoHsts = await listen(makeApp({ hsts: false, proxy: true }));
  });
  afterAll(async () => {
    await Promise.all([direct.close(), proxied.close(), proxiedNoHsts.close()]);
  });

  it('security headers: every response has nosniff, no-referrer, COOP/CORP same-origin, CSP, no X-Powered-By', async () => {
    for (const path of ['/api', '/fails', '/nowhere', '/../etc/passwd']) {
      const res = await fetch(direct.url + path);
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), path).toBe('no-referrer');
      expect(res.headers.get('cross-origin-opener-policy'), path).toBe('same-origin');
      expect(res.headers.get('cross-origin-resource-policy'), path).toBe('same-origin');
      expect(res.headers.get('content-security-policy'), path).toBe(DEFAULT_CSP);
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
      expect(res.headers.get('x-powered-by'), path).toBeNull();
    }
  });

  it('security headers: the default CSP forbids loading, framing, base and form targets', () => {
    const directives = new Map(DEFAULT_CSP.split(';').map((d) => d.trim().split(/\s+/) as [string, ...string[]]).map(([k, ...v]) => [k, v.join(' ')]));
    expect(directives.get('default-src')).toBe("'none'");
    expect(directives.get('frame-ancestors')).toBe("'none'");
    expect(directives.get('base-uri')).toBe("'none'");
    expect(directives.get('form-action')).toBe("'none'");
  });

  it('security headers: a route override of CSP, X-Frame-Options and CORP sticks', async () => {
    const frame = await fetch(direct.url + '/frame');
    expect(frame.headers.get('content-security-policy')).toBe("default-src 'self'; frame-ancestors https://shop.example");
    expect(frame.headers.get('x-frame-options')).toBeNull();
    expect(frame.headers.get('x-content-type-options')).toBe('nosniff');
    const widget = await fetch(direct.url + '/widget.js');
    expect(widget.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(widget.headers.get('content-security-policy')).toBe(DEFAULT_CSP);
  });

  it('security headers: no HSTS over plain HTTP, even if the client claims X-Forwarded-Proto https without a trusted proxy', async () => {
    expect((await fetch(direct.url + '/api')).headers.get('strict-transport-security')).toBeNull();
    const spoofed = await fetch(direct.url + '/api', { headers: { 'X-Forwarded-Proto': 'https' } });
    expect(spoofed.headers.get('strict-transport-security')).toBeNull();
    expect((await fetch(proxied.url + '/api')).headers.get('strict-transport-security')).toBeNull();
  });

  it('security headers: HSTS ≥ 1 year with includeSubDomains behind a trusted TLS proxy', async () => {
    for (const path of ['/api', '/nowhere']) {
      const res = await fetch(proxied.url + path, { headers: { 'X-Forwarded-Proto': 'https' } });
      const hsts = res.headers.get('strict-transport-security') ?? '';
      const maxAge = Number(/max-age=(\d+)/.exec(hsts)?.[1] ?? 0);
      expect(maxAge).toBeGreaterThanOrEqual(31_536_000);
      expect(hsts).toMatch(/includeSubDomains/);
    }
  });

  it('security headers: HSTS off by configuration stays off over TLS', async () => {
    const res = await fetch(proxiedNoHsts.url + '/api', { headers: { 'X-Forwarded-Proto': 'https' } });
    expect(res.headers.get('strict-transport-security')).toBeNull();
  });
});
