// Tokens over time and across restarts: expiry and renewal, key rotation without logging anyone
// out, and a crash right after a 202 that loses nothing; on each store.
import { describe, expect, it, vi } from 'vitest';
import { randomBytes } from 'node:crypto';
import { startInProcess } from '../helpers/in-process-parley.ts';
import { startParley } from '../helpers/parley-server.ts';
import { call, history, openSession, send } from '../helpers/visitor-api.ts';
import { demoBotsDir } from '../helpers/demo-bot.ts';
import { forEachStore } from '../helpers/stores.ts';
import { madeTempDir } from '../helpers/temp-dirs.ts';

const tokenKey = (kid: string) => `${kid}:${randomBytes(32).toString('base64url')}`;

forEachStore((store) => {
  describe('token lifecycle', () => {
    it('an expired token is 401, and resuming with it renews the same conversation', async () => {
      const parley = await startInProcess(store.env());
      try {
        const session = await openSession(parley.url);
        expect((await call(parley.url, '/api/v1/messages', { token: session.token })).status).toBe(200);
        // The server runs in this process: set its clock one second past the token's expiry rather
        // than waiting out a real TTL. Only Date is faked; timers and sockets run for real.
        vi.setSystemTime(new Date(session.expiresAt).getTime() + 1_000);
        expect((await call(parley.url, '/api/v1/messages', { token: session.token })).status).toBe(401);
        const renewed = await openSession(parley.url, { resume: session.token });
        expect(renewed.conversationId).toBe(session.conversationId);
        expect(renewed.resumed).toBe(true);
        expect(new Date(renewed.expiresAt).getTime()).toBeGreaterThan(Date.now());
        expect((await call(parley.url, '/api/v1/messages', { token: renewed.token })).status).toBe(200);
      } finally {
        vi.useRealTimers();
        await parley.close();
      }
    });

    it('rotating TOKEN_KEYS keeps old tokens working while the old key is listed, and ends them when it is removed', async () => {
      const dataDir = madeTempDir('parley-rotate-');
      const data = { ...store.env(), DATA_DIR: dataDir };
      const oldKey = tokenKey('old');
      const newKey = tokenKey('new');
      const first = await startInProcess({ ...data, TOKEN_KEYS: oldKey });
      const session = await openSession(first.url);
      await first.close();

      const rotated = await startInProcess({ ...data, TOKEN_KEYS: `${newKey},${oldKey}` });
      try {
        expect((await call(rotated.url, '/api/v1/messages', { token: session.token })).status).toBe(200);
        const fresh = await openSession(rotated.url);
        expect(JSON.parse(Buffer.from(fresh.token.split('.')[0]!, 'base64url').toString()).kid).toBe('new');
      } finally {
        await rotated.close();
      }

      const retired = await startInProcess({ ...data, TOKEN_KEYS: newKey });
      try {
        expect((await call(retired.url, '/api/v1/messages', { token: session.token })).status).toBe(401);
      } finally {
        await retired.close();
      }
    });

    it('kill -9 right after a 202: after a restart on the same data the message is there', async () => {
      const data = store.env();
      const parley = await startParley(data);
      let token: string | undefined;
      let id: number | undefined;
      try {
        token = (await openSession(parley.url)).token;
        const res = await send(parley.url, token, 'crash-1', 'please keep this');
        expect(res.status).toBe(202);
        id = res.body.message.id;
      } finally {
        await parley.stop('SIGKILL');
      }
      expect(parley.proc.signalCode).toBe('SIGKILL');
      const restarted = await startParley({ ...data, DATA_DIR: parley.dataDir });
      try {
        const messages = await history(restarted.url, token!);
        expect(messages.find((m) => m.id === id)).toMatchObject({ text: 'please keep this', clientId: 'crash-1', sender: 'visitor' });
      } finally {
        await restarted.stop();
      }
      // SIGTERM is a graceful stop: the process ends by itself, with exit code 0.
      expect(restarted.proc.exitCode).toBe(0);
    });

    it('a bot disabled after a token was issued: 403 on its API, and no new sessions', async () => {
      const dataDir = madeTempDir('parley-disabled-');
      const data = { ...store.env(), DATA_DIR: dataDir };
      const first = await startInProcess(data);
      const session = await openSession(first.url);
      await first.close();
      const disabled = await startInProcess({ ...data, BOTS_DIR: demoBotsDir((demo) => (demo.enabled = false)) });
      try {
        const res = await call(disabled.url, '/api/v1/messages', { token: session.token });
        expect(res.status).toBe(403);
        expect(res.body.error.code).toBe('bot_disabled');
        expect((await call(disabled.url, '/api/v1/sessions', { json: { bot: 'demo', origin: 'http://localhost:5173' } })).status).toBe(403);
        expect((await call(disabled.url, '/frame.html?bot=demo')).status).toBe(404);
      } finally {
        await disabled.close();
      }
    });
  });
});

describe('token lifecycle', () => {
  it('a bad configuration stops start-up with one line naming the variable, and no stack', async () => {
    await expect(startParley({ PORT: 'not-a-port' })).rejects.toThrow(/parley: invalid configuration:\n\s+PORT: /);
    await expect(startParley({ TOKEN_KEYS: 'k:short' })).rejects.not.toThrow(/at .*\.ts:\d+/);
  });
});
