// Rule: "/.well-known/security.txt per RFC 9116, contact and expiry from configuration".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Koa from 'koa';
import { renderSecurityTxt, securityTxt, SecurityTxtConfigError } from '../../server/security/security-txt.ts';
import { listen, type Listening } from './listen.ts';

const DAY = 24 * 60 * 60 * 1000;
const now = new Date('2026-03-01T00:00:00Z');
const valid = {
  contact: 'mailto:security@parley.example',
  expires: new Date(now.getTime() + 180 * DAY),
  canonicalUrl: 'https://chat.parley.example/.well-known/security.txt',
  now,
};

function fields(text: string): Map<string, string> {
  return new Map(
    text
      .split('\n')
      .filter((line) => line && !line.startsWith('#'))
      .map((line) => {
        const at = line.indexOf(': ');
        return [line.slice(0, at), line.slice(at + 2)] as [string, string];
      }),
  );
}

describe('security.txt', () => {
  let server: Listening;
  const expires = new Date(Date.now() + 90 * DAY);
  beforeAll(async () => {
    const app = new Koa();
    app.use(securityTxt({ ...valid, now: undefined, expires }));
    app.use((ctx) => {
      ctx.status = 404;
      ctx.body = { error: { code: 'not_found', message: 'Not found' } };
    });
    server = await listen(app);
  });
  afterAll(() => server.close());

  it('security.txt: served as text/plain utf-8 with Contact, future Expires under a year, Canonical, Preferred-Languages', async () => {
    const res = await fetch(server.url + '/.well-known/security.txt');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    const f = fields(await res.text());
    expect(f.get('Contact')).toBe('mailto:security@parley.example');
    const exp = new Date(f.get('Expires') ?? '');
    expect(exp.toISOString()).toBe(expires.toISOString());
    expect(exp.getTime()).toBeGreaterThan(Date.now());
    expect(exp.getTime() - Date.now()).toBeLessThan(365 * DAY);
    expect(f.get('Canonical')).toBe(valid.canonicalUrl);
    expect(f.get('Preferred-Languages')).toBe('en');
  });

  it('security.txt: other paths pass through; other methods get 405', async () => {
    const other = await fetch(server.url + '/.well-known/other.txt');
    expect(other.status).toBe(404);
    expect(await other.json()).toEqual({ error: { code: 'not_found', message: 'Not found' } });
    const post = await fetch(server.url + '/.well-known/security.txt', { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('security.txt: bad configuration is refused at startup with a clear message', () => {
    const bad: Array<[Partial<typeof valid>, RegExp]> = [
      [{ expires: new Date(now.getTime() + 366 * DAY) }, /less than a year/],
      [{ expires: new Date(now.getTime() - DAY) }, /past/],
      [{ expires: new Date('nonsense') }, /valid date/],
      [{ contact: 'security@parley.example' }, /URI/],
      [{ contact: 'javascript:alert(1)' }, /mailto/],
      [{ contact: 'mailto:a@b.example\r\nContact: mailto:attacker@evil.example' }, /one non-empty line/],
      [{ canonicalUrl: 'https://chat.parley.example/security.txt' }, /ending in/],
    ];
    for (const [override, message] of bad) {
      expect(() => renderSecurityTxt({ ...valid, ...override }), JSON.stringify(override)).toThrow(message);
      expect(() => renderSecurityTxt({ ...valid, ...override })).toThrow(SecurityTxtConfigError);
    }
  });
});
