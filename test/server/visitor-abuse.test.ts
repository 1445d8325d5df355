// Every rule of the visitor API, tried on purpose: forged and foreign tokens, channels that are
// not the token's, malformed socket ids (SECURITY-NOTES V1), bad bodies. Nothing is signed,
// stored or leaked; on each store.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHmac, randomBytes } from 'node:crypto';
import { startInProcess } from '../helpers/in-process-parley.ts';
import { forEachStore } from '../helpers/stores.ts';
import { authorize, call, history, openSession, send } from '../helpers/visitor-api.ts';
import { createTokenSealer } from '../../server/tokens/visitor-token.ts';
import type { SessionResponse } from '../../common/wire.ts';

forEachStore((store) => {
  let parley: Awaited<ReturnType<typeof startInProcess>>;
  let alice: SessionResponse;
  let bob: SessionResponse;
  beforeAll(async () => {
    parley = await startInProcess(store.env());
    alice = await openSession(parley.url);
    bob = await openSession(parley.url);
  });
  afterAll(() => parley?.close());

  const UNAUTHORIZED = { error: { code: 'invalid_token', message: 'The visitor token is missing, invalid or expired' } };

  describe('channel authorization', () => {
    it('signs exactly HMAC-SHA256(secret, "socket_id:channel") for the token\'s own channel, with its shared secret', async () => {
      const res = await authorize(parley.url, alice.token, '123.456', alice.channel);
      expect(res.status).toBe(200);
      const { key, secret } = parley.config.realtime;
      const expected = createHmac('sha256', secret).update(`123.456:${alice.channel}`).digest('hex');
      expect(res.body.auth).toBe(`${key}:${expected}`);
      expect(Buffer.from(res.body.shared_secret, 'base64')).toHaveLength(32);
    });

    it.each([
      ['another conversation', () => bob.channel],
      ['the unencrypted name of its own conversation', () => alice.channel.replace('private-encrypted-', 'private-')],
      ['a presence channel', () => `presence-chat-${alice.conversationId}`],
      ['a public channel', () => `chat-${alice.conversationId}`],
    ])('refuses %s with 403 and signs nothing', async (_name, channel) => {
      const res = await authorize(parley.url, alice.token, '1.1', channel());
      expect(res.status).toBe(403);
      expect(res.body.auth).toBeUndefined();
    });

    const badSocketIds = ['1.1:private-encrypted-chat-x', '1.1\n', 'abc', '-1.1', '1', '1.1.1', `1.${'1'.repeat(10_000)}`, ''];
    it.each(badSocketIds.map((socketId) => ({ socketId, label: JSON.stringify(socketId).slice(0, 40) })))(
      'refuses socket_id $label with 400',
      async ({ socketId }) => {
        const res = await authorize(parley.url, alice.token, socketId, alice.channel);
        expect([400, 413]).toContain(res.status);
        expect(res.body.auth).toBeUndefined();
      },
    );

    it.each([`${'a'.repeat(201)}`, 'private-a:b', 'private-encrypted-chat-ü'])('refuses channel %j', async (channel) => {
      const res = await authorize(parley.url, alice.token, '1.1', channel);
      expect([400, 403]).toContain(res.status);
      expect(res.body.auth).toBeUndefined();
    });

    it('refuses array-shaped fields and JSON bodies', async () => {
      const arrays = await call(parley.url, '/api/v1/realtime/auth', {
        token: alice.token,
        body: `socket_id[]=1.1&socket_id[]=2.2&channel_name=${alice.channel}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(arrays.status).toBe(400);
      const json = await call(parley.url, '/api/v1/realtime/auth', { token: alice.token, json: { socket_id: '1.1', channel_name: alice.channel } });
      expect(json.status).toBe(415);
    });
  });

  describe('tokens', () => {
    it('answers missing, garbage, tampered and foreign-key tokens with one identical 401', async () => {
      const foreign = await createTokenSealer([{ kid: parley.config.tokenKeys[0]!.kid, key: new Uint8Array(randomBytes(32)) }], 3_600_000, 0).seal({
        visitorId: 'x', conversationId: alice.conversationId, botId: 'demo', origin: 'http://localhost:5173', locale: 'en',
        identity: { sub: 'mallory', level: 'premium', expiresAt: new Date(Date.now() + 60_000) },
      });
      const parts = alice.token.split('.');
      // Change a character in the middle of the ciphertext: the last one may carry only padding bits.
      const ciphertext = parts[3]!;
      const mid = Math.floor(ciphertext.length / 2);
      const changed = `${ciphertext.slice(0, mid)}${ciphertext[mid] === 'A' ? 'B' : 'A'}${ciphertext.slice(mid + 1)}`;
      const tampered = [parts[0], parts[1], parts[2], changed, parts[4]].join('.');
      expect(tampered).not.toBe(alice.token);
      for (const token of [undefined, 'garbage', tampered, foreign.token, `${alice.token}.x`]) {
        const res = await call(parley.url, '/api/v1/messages', { token });
        expect(res.status, String(token)).toBe(401);
        expect(res.body).toEqual(UNAUTHORIZED);
      }
    });

    it('refuses a valid token sent from another page origin, on every visitor route', async () => {
      for (const origin of ['https://evil.example', 'null', 'http://localhost:5173']) {
        const headers = { origin };
        const reads = await call(parley.url, '/api/v1/messages', { token: alice.token, headers });
        const writes = await call(parley.url, '/api/v1/messages', { token: alice.token, headers, json: { clientId: 'o1', text: 'hi' } });
        const auth = await call(parley.url, '/api/v1/realtime/auth', {
          token: alice.token,
          headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
          body: `socket_id=1.1&channel_name=${alice.channel}`,
        });
        const deletes = await call(parley.url, '/api/v1/conversation', { method: 'DELETE', token: alice.token, headers });
        for (const res of [reads, writes, auth, deletes]) {
          expect(res.status, origin).toBe(403);
          expect(res.body.error.code).toBe('origin_not_allowed');
          expect(res.headers.get('access-control-allow-origin')).toBeNull();
        }
      }
      // The same token from our own origin still works: nothing above was stored or deleted.
      const own = await call(parley.url, '/api/v1/messages', { token: alice.token, headers: { origin: new URL(parley.url).origin } });
      expect(own.status).toBe(200);
      expect(own.body.messages.some((m: { clientId: string }) => m.clientId === 'o1')).toBe(false);
    });

    it('ignores a token given anywhere but the Authorization header', async () => {
      const res = await call(parley.url, `/api/v1/messages?token=${alice.token}`);
      expect(res.status).toBe(401);
    });
  });

  describe('request bodies', () => {
    it.each([
      ['unknown field (mass assignment)', { clientId: 'x1', text: 'hi', sender: 'bot' }],
      ['operator-shaped text', { clientId: 'x2', text: { $gt: '' } }],
      ['operator-shaped clientId', { clientId: { $ne: null }, text: 'hi' }],
      // SECURITY-NOTES V8: the shape of mongoose's sanitizeFilter bypass (CVE-2026-42334).
      ['$nor-shaped clientId', { clientId: { $nor: [{ token: { $ne: 'x' } }] }, text: 'hi' }],
      ['$nor-shaped text', { clientId: 'x11', text: { $nor: [{ token: { $ne: 'x' } }] } }],
      ['__proto__ key', JSON.parse('{"clientId":"x3","text":"hi","__proto__":{"admin":true}}')],
      ['empty text', { clientId: 'x4', text: '   ' }],
      ['text over the limit', { clientId: 'x5', text: 'a'.repeat(4001) }],
      ['clientId with odd characters', { clientId: '../x', text: 'hi' }],
      ['NUL in text', { clientId: 'x6', text: 'a\u0000b' }],
      ['lone surrogate', { clientId: 'x7', text: 'a\uD800b' }],
      ['both text and action', { clientId: 'x8', text: 'a', action: 'b' }],
      ['array body', [{ clientId: 'x9', text: 'hi' }]],
      ['number 1e309', JSON.parse('{"clientId":"x10","text":1e309}')],
    ])('400 for %s, and nothing stored', async (_name, json) => {
      const before = await history(parley.url, alice.token);
      const res = await call(parley.url, '/api/v1/messages', { token: alice.token, json });
      expect(res.status).toBe(400);
      // __proto__ is refused by the body parser itself (bad_request), the rest by our schemas.
      expect(['invalid_request', 'bad_request']).toContain(res.body.error.code);
      expect(await history(parley.url, alice.token)).toEqual(before);
    });

    it('400 for operator-shaped session fields (V7/V8), and no conversation resumed or leaked', async () => {
      for (const operator of [{ $nor: [{ token: { $ne: 'x' } }] }, { $ne: null }, { $gt: '' }]) {
        for (const json of [{ bot: 'demo', resume: operator }, { bot: operator }, { bot: 'demo', origin: operator }]) {
          const res = await call(parley.url, '/api/v1/sessions', { json });
          expect(res.status).toBe(400);
          expect(res.body).toEqual({ error: { code: 'invalid_request', message: expect.any(String) } });
        }
      }
    });

    it('415 for a non-JSON content type, 400 for malformed JSON, 413 for an oversized body', async () => {
      const asText = await call(parley.url, '/api/v1/messages', { token: alice.token, body: '{"clientId":"a","text":"b"}', headers: { 'content-type': 'text/plain' } });
      expect(asText.status).toBe(415);
      const malformed = await call(parley.url, '/api/v1/messages', { token: alice.token, body: '{"clientId":', headers: { 'content-type': 'application/json' } });
      expect(malformed.status).toBe(400);
      expect(JSON.stringify(malformed.body)).not.toMatch(/SyntaxError|at .*:\d+/);
      const huge = await call(parley.url, '/api/v1/messages', { token: alice.token, json: { clientId: 'big', text: 'a'.repeat(1_100_000) } });
      expect(huge.status).toBe(413);
      expect(huge.body.error.code).toBe('payload_too_large');
    });

    it('400 for a body that is not valid UTF-8, and nothing stored', async () => {
      const before = await history(parley.url, alice.token);
      const bytes = Buffer.concat([Buffer.from('{"clientId":"utf","text":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
      const res = await fetch(`${parley.url}/api/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${alice.token}` },
        body: bytes,
      });
      expect(res.status).toBe(400);
      expect((await res.json()).error.code).toBe('invalid_encoding');
      expect(await history(parley.url, alice.token)).toEqual(before);
    });

    it('400 for history queries that are not a plain id', async () => {
      for (const q of ['after=-1', 'after=abc', 'after[$gt]=', 'after=1&after=2', 'limit=0', 'foo=bar']) {
        expect((await call(parley.url, `/api/v1/messages?${q}`, { token: alice.token })).status, q).toBe(400);
      }
    });

    it('unknown routes and methods are JSON errors', async () => {
      expect((await call(parley.url, '/api/v1/nothing')).body).toEqual({ error: { code: 'not_found', message: 'Not found' } });
      expect((await call(parley.url, '/api/v1/sessions', { method: 'PUT', json: {} })).status).toBe(405);
      for (const method of ['PATCH', 'PROPFIND']) expect((await call(parley.url, '/api/v1/sessions', { method })).status, method).toBe(405);
    });
  });

  describe('rate of new messages is checked before storing', () => {
    it('a valid message still goes through after all the refused ones', async () => {
      expect((await send(parley.url, alice.token, 'ok-1', 'hello there')).status).toBe(202);
    });
  });
});
