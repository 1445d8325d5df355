// Issue 15, a bot's data-protection settings in the console, over real HTTP on both stores: read as
// the definition file has them, changed by an administrator, checked by the file's own schema, in
// force from the next request or turn without a restart (and after one), on every instance, and
// audited with what changed, before and after.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ms from 'ms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forEachStore } from '../helpers/stores.ts';
import { startConsoleWorld, type ConsoleWorld } from '../helpers/console-setup.ts';
import { demoBotsDir, type BotFile } from '../helpers/demo-bot.ts';
import { pollUntil } from '../helpers/poll.ts';
import { call, history, openSession, send, subscribeToConversation, waitForHistory } from '../helpers/visitor-api.ts';
import { startInProcess } from '../helpers/in-process-parley.ts';
import { deploymentSecrets } from '../helpers/deployment-secrets.ts';
import { startMongoServer, type MongoServer } from '../helpers/mongodb.ts';
import { newId } from '../../server/chat/ids.ts';
import type { BotDataSettings, BotSettingsView } from '../../common/data-protection-wire.ts';
import type { AuditEntryView } from '../../common/console-wire.ts';
import type { ChatMessage } from '../../common/wire.ts';

/**
 * `demo` as shipped (it hands over to humans, open at all hours here), and `plain`: the same bot
 * without the handover block, whose storage may be turned off.
 */
function botsDir(): string {
  let plain: BotFile | undefined;
  const dir = demoBotsDir((bot) => {
    bot.policy = { ...bot.policy, messagesPerMinute: 600 };
    delete (bot.handover as { businessHours?: unknown }).businessHours;
    plain = structuredClone(bot);
    delete plain.handover;
  });
  writeFileSync(join(dir, 'plain.json'), JSON.stringify(plain));
  return dir;
}

const IDENTITY = { PARLEY_DEMO_IDENTITY_SECRET: 'bot-settings-identity-secret-0123456789abcdef' };

forEachStore((store) => {
  describe('bot settings in the console', () => {
    let world: ConsoleWorld;
    let bots: string;

    beforeAll(async () => {
      bots = botsDir();
      world = await startConsoleWorld(store.env(), { BOTS_DIR: bots, ...IDENTITY });
      // Someone to take handovers, so asking for a human opens one while the bot is open.
      if ((await world.admin.request('PUT', '/presence', { available: true })).status !== 200) throw new Error('presence refused');
    }, 120_000);
    afterAll(() => world?.close());

    const read = async (bot: string) => (await world.admin.request<BotSettingsView>('GET', `/bot-settings/${bot}`)).body;
    const save = (bot: string, version: number, settings: Partial<BotDataSettings> | Record<string, unknown>) =>
      world.admin.request<BotSettingsView>('PUT', `/bot-settings/${bot}`, { version, settings });
    /** Saves a change of some fields on the version in force. */
    async function change(bot: string, fields: Partial<BotDataSettings> | Record<string, unknown>) {
      const current = await read(bot);
      const answer = await save(bot, current.version, { ...current.settings, ...fields });
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      return answer.body;
    }

    it('are the definition file’s, version 0, until an administrator saves others', async () => {
      const listed = await world.admin.request<{ bots: BotSettingsView[] }>('GET', '/bot-settings');
      expect(listed.status).toBe(200);
      expect(listed.body.bots.map((b) => [b.bot, b.handover, b.version])).toEqual([
        ['demo', true, 0],
        ['plain', false, 0],
      ]);
      expect(listed.body.bots[1]).toEqual({
        bot: 'plain',
        name: 'Nordlys assistant',
        handover: false,
        version: 0,
        savedAt: null,
        savedBy: null,
        settings: {
          storeConversations: true,
          messageTtl: null,
          valueTtl: ms('180d'),
          inactiveAfter: ms('90d'),
          archive: true,
          archiveTtl: ms('365d'),
          allowedOrigins: ['http://localhost:*', 'http://127.0.0.1:*', 'https://nordlys.example'],
          businessHours: null,
        },
      });
      expect((await world.admin.request('GET', '/bot-settings/nope')).status).toBe(404);
      expect((await world.admin.request('GET', '/bot-settings/..%2Fdemo')).status).toBe(404);
    });

    it('storage off takes effect on the next visitor message: that exchange and the conversation before it stay nowhere', async () => {
      const session = await openSession(world.url, { bot: 'plain' });
      expect((await send(world.url, session.token, 'before', 'What are your opening hours?')).status).toBe(202);
      await waitForHistory(world.url, session.token, (m) => m.some((x) => x.sender === 'bot' && x.id > 2));
      expect((await history(world.url, session.token)).map((m) => m.text)).toContain('What are your opening hours?');

      await change('plain', { storeConversations: false });

      const events = await subscribeToConversation(world, session, 'message');
      try {
        expect((await send(world.url, session.token, 'after', 'Do you have a phone number?')).status).toBe(202);
        const [, reply] = (await events.waitFor(2)) as ChatMessage[];
        expect(reply!.sender).toBe('bot');
        // The turn ends with "typing off", published after the exchange is forgotten.
        await events.until((t) => t.some((e) => e.event === 'typing' && !(e.data as { typing: boolean }).typing), 'the end of the turn');
        expect(await history(world.url, session.token)).toEqual([]);
      } finally {
        events.disconnect();
        await change('plain', { storeConversations: true });
      }
    });

    it('allowed origins take effect on the next session: a page no longer listed is refused, a new one embeds', async () => {
      expect((await call(world.url, '/api/v1/sessions', { json: { bot: 'plain', origin: 'https://shop.example' } })).status).toBe(403);
      await change('plain', { allowedOrigins: ['https://shop.example'] });
      try {
        expect((await call(world.url, '/api/v1/sessions', { json: { bot: 'plain', origin: 'https://shop.example' } })).status).toBe(201);
        const refused = await call(world.url, '/api/v1/sessions', { json: { bot: 'plain', origin: 'http://localhost:5173' } });
        expect(refused.status).toBe(403);
        expect(refused.body.error.code).toBe('origin_not_allowed');
      } finally {
        await change('plain', { allowedOrigins: ['http://localhost:*', 'http://127.0.0.1:*', 'https://nordlys.example'] });
      }
    });

    it('business hours take effect on the next turn: outside them, asking for a human gets the bot’s "closed" answer', async () => {
      const asked = async () => {
        const session = await openSession(world.url, { bot: 'demo' });
        expect((await call(world.url, '/api/v1/messages', { token: session.token, json: { clientId: newId(), action: 'handover:yes' } })).status).toBe(202);
        const messages = await waitForHistory(world.url, session.token, (m) => m.some((x) => x.sender !== 'visitor' && x.id > 2));
        return messages.filter((m) => m.id > 2 && m.sender !== 'visitor').map((m) => m.text).join(' ');
      };
      expect(await asked()).not.toMatch(/closed/i);
      // Closed today, yesterday and tomorrow in UTC, whatever the time: every hour of the week is outside.
      const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
      await change('demo', { businessHours: { timeZone: 'UTC', weekly: { monday: [['00:00', '00:01']] }, holidays: [day(-1), day(0), day(1)] } });
      try {
        expect(await asked()).toMatch(/closed/i);
      } finally {
        await change('demo', { businessHours: null });
      }
    });

    it('a change the definition’s schema refuses is 400 invalid_settings naming the field, and changes nothing', async () => {
      const before = await read('demo');
      const audited = (await world.admin.request<{ entries: AuditEntryView[] }>('GET', '/audit?action=bot.settings.change&limit=1000')).body.entries.length;
      const refusals: Array<[string, Record<string, unknown>, RegExp]> = [
        ['demo', { storeConversations: false }, /^storeConversations: a bot with handover must store its conversations/],
        ['demo', { messageTtl: '1h' }, /^messageTtl: a bot with handover must keep messages at least 24h \(got 1h\)$/],
        ['demo', { inactiveAfter: '12h' }, /^inactiveAfter: expected between 1d and 365d$/],
        ['demo', { allowedOrigins: ['javascript:alert(1)'] }, /^allowedOrigins\[0\]: expected an origin/],
        ['demo', { businessHours: { timeZone: 'Mars/Olympus', weekly: { monday: [['08:00', '17:00']] } } }, /^businessHours\.timeZone: unknown time zone/],
        ['plain', { businessHours: { timeZone: 'UTC', weekly: { monday: [['08:00', '17:00']] } } }, /^businessHours: only a bot that hands over/],
        ['demo', { messagesPerMinute: 600 }, /^settings: .*messagesPerMinute/],
        ['demo', { archiveTtl: { $gt: 0 } }, /^archiveTtl: /],
      ];
      for (const [bot, fields, message] of refusals) {
        const current = await read(bot);
        const answer = await save(bot, current.version, { ...current.settings, ...fields });
        expect(answer.status, JSON.stringify(fields)).toBe(400);
        const error = (answer.body as unknown as { error: { code: string; message: string } }).error;
        expect(error.code).toBe('invalid_settings');
        expect(error.message).toMatch(message);
      }
      for (const body of [{}, { version: 0 }, { settings: before.settings }, { version: -1, settings: before.settings }, { version: 0, settings: [] }, { version: 0, settings: before.settings, extra: 1 }]) {
        const answer = await world.admin.request('PUT', '/bot-settings/demo', body);
        expect(answer.status, JSON.stringify(body)).toBe(400);
        expect((answer.body as { error: { code: string } }).error.code).toBe('invalid_request');
      }
      expect((await save('nope', 0, before.settings)).status).toBe(404);
      expect(await read('demo')).toEqual(before);
      expect((await world.admin.request<{ entries: AuditEntryView[] }>('GET', '/audit?action=bot.settings.change&limit=1000')).body.entries).toHaveLength(audited);
    });

    it('a save on a version someone saved over is 409 settings_changed; of administrators saving at once, one wins', async () => {
      const current = await read('plain');
      const racing = await Promise.all(
        Array.from({ length: 5 }, (_, i) => save('plain', current.version, { ...current.settings, messageTtl: ms(`${i + 2}d`) })),
      );
      expect(racing.map((a) => a.status).sort()).toEqual([200, 409, 409, 409, 409]);
      const winner = racing.find((a) => a.status === 200)!.body;
      expect(winner.version).toBe(current.version + 1);
      expect(await read('plain')).toEqual(winner);
      for (const lost of racing.filter((a) => a.status === 409)) {
        expect(lost.body).toEqual({ error: { code: 'settings_changed', message: 'These settings were changed since you opened them; load them again' } });
      }
      expect((await save('plain', current.version, current.settings)).status).toBe(409);
      await change('plain', { messageTtl: null });
    });

    it('every change is audited with what changed, before and after, and by whom', async () => {
      const saved = await change('plain', { valueTtl: '30d', archive: false, allowedOrigins: ['https://a.example', 'https://b.example'] });
      const entries = (await world.admin.request<{ entries: AuditEntryView[] }>('GET', '/audit?action=bot.settings.change&limit=1000')).body.entries;
      expect(entries.at(-1)).toMatchObject({
        actor: world.adminId,
        action: 'bot.settings.change',
        target: 'plain',
        outcome: 'ok',
        details: {
          version: saved.version,
          'valueTtl.before': ms('180d'),
          'valueTtl.after': ms('30d'),
          'archive.before': true,
          'archive.after': false,
          'allowedOrigins.before': 'http://localhost:* http://127.0.0.1:* https://nordlys.example',
          'allowedOrigins.after': 'https://a.example https://b.example',
        },
      });
      expect(Object.keys(entries.at(-1)!.details).sort()).toEqual(
        ['allowedOrigins.after', 'allowedOrigins.before', 'archive.after', 'archive.before', 'valueTtl.after', 'valueTtl.before', 'version'],
      );
      expect(saved).toMatchObject({ savedBy: world.adminId, settings: { valueTtl: ms('30d'), archive: false } });
      await change('plain', { valueTtl: ms('180d'), archive: true, allowedOrigins: ['http://localhost:*', 'http://127.0.0.1:*', 'https://nordlys.example'] });
    });

    it('the retention sweep keeps the pace of a TTL set in the console: messages go within seconds of a 2-second TTL', async () => {
      // The file sets no message TTL, so the sweep started at its slowest pace (once a minute).
      const session = await openSession(world.url, { bot: 'plain' });
      expect((await send(world.url, session.token, 'ttl', 'What are your opening hours?')).status).toBe(202);
      await waitForHistory(world.url, session.token, (m) => m.length >= 3);
      await change('plain', { messageTtl: '2s' });
      try {
        await pollUntil(() => history(world.url, session.token), (m) => m.length === 0, 'the messages past their TTL', 15_000);
      } finally {
        await change('plain', { messageTtl: null });
      }
    });
  });

  describe('bot settings and restarts', () => {
    it('are in force after a restart; a saved version the definition file (changed since) refuses stops the start with one line, as it stops the CLI’s sweep', async () => {
      const env = { ...store.env(), BOTS_DIR: botsDir(), ...IDENTITY };
      const world = await startConsoleWorld(env);
      let worldEnv: Record<string, string>;
      try {
        const current = (await world.admin.request<BotSettingsView>('GET', '/bot-settings/plain')).body;
        expect((await world.admin.request('PUT', '/bot-settings/plain', { version: 0, settings: { ...current.settings, storeConversations: false, allowedOrigins: ['https://shop.example'] } })).status).toBe(200);
        // The same store and data directory; a new port.
        const { PUBLIC_URL: _url, ...rest } = world.env;
        worldEnv = rest;
      } finally {
        await world.close();
      }
      const again = await startInProcess(worldEnv);
      try {
        expect((await call(again.url, '/api/v1/sessions', { json: { bot: 'plain', origin: 'http://localhost:5173' } })).status).toBe(403);
        expect((await call(again.url, '/api/v1/sessions', { json: { bot: 'plain', origin: 'https://shop.example' } })).status).toBe(201);
      } finally {
        await again.close();
      }
      // The file of `plain` now hands over to humans, which storage off does not fit.
      const demo = JSON.parse(readFileSync(join(worldEnv.BOTS_DIR!, 'demo.json'), 'utf8')) as BotFile;
      writeFileSync(join(worldEnv.BOTS_DIR!, 'plain.json'), JSON.stringify(demo));
      const refusal = /^bot "plain": the settings saved in the console \(version 1\) do not fit its definition file: storeConversations: a bot with handover must store/;
      await expect(startInProcess(worldEnv)).rejects.toThrow(refusal);
      const { runCli } = await import('../../server/cli.ts');
      const err: string[] = [];
      expect(await runCli(['sweep'], { ...worldEnv, LOG_LEVEL: 'silent' }, { out: () => undefined, err: (l) => err.push(l) })).toBe(2);
      expect(err.join('\n')).toMatch(refusal);
    }, 120_000);
  });
});

// Two instances share a store only on MongoDB: one process owns an SQLite file.
describe('bot settings across instances (MongoDB: two servers, one store)', () => {
  let mongo: MongoServer;
  beforeAll(async () => {
    mongo = await startMongoServer();
  });
  afterAll(() => mongo?.stop());

  it('a change saved on one instance is in force on the other within about a second, without a restart', async () => {
    const uri = mongo.freshDatabaseUri();
    const env = { MONGODB_URI: uri, ...deploymentSecrets(uri), BOTS_DIR: botsDir(), ...IDENTITY };
    const a = await startConsoleWorld(env);
    const b = await startInProcess(env);
    try {
      const sessionAt = (url: string) => call(url, '/api/v1/sessions', { json: { bot: 'plain', origin: 'https://shop.example' } });
      expect((await sessionAt(b.url)).status).toBe(403);
      const current = (await a.admin.request<BotSettingsView>('GET', '/bot-settings/plain')).body;
      expect((await a.admin.request('PUT', '/bot-settings/plain', { version: current.version, settings: { ...current.settings, allowedOrigins: ['https://shop.example'] } })).status).toBe(200);
      // In force on A at once; on B once its refresh has read the new version.
      expect((await sessionAt(a.url)).status).toBe(201);
      const started = Date.now();
      await pollUntil(() => sessionAt(b.url), (answer) => answer.status === 201, 'the new origin accepted on the other instance', 5_000);
      process.stdout.write(`bot settings reached the other instance after ${Date.now() - started} ms\n`);
    } finally {
      await b.close();
      await a.close();
    }
  }, 120_000);
});
