// Data-governance rules of issue 6 that live in the request path: PII kept apart from message
// text, conversation storage turned off, logs that never carry message text or PII; on each store.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startInProcess } from '../helpers/in-process-parley.ts';
import { startParley } from '../helpers/parley-server.ts';
import { bookDemo, history, openSession, send, subscribeToConversation, waitForHistory } from '../helpers/visitor-api.ts';
import { openKeyring, openStore } from '../../server/store/index.ts';
import { forEachStore } from '../helpers/stores.ts';
import { MASKED_PII } from '../../server/privacy/mask.ts';
import { demoBotsDir, type BotFile } from '../helpers/demo-bot.ts';
import type { ChatMessage } from '../../common/wire.ts';



forEachStore((store) => {
  describe('PII collected by forms is stored apart from message text', () => {
    it('history shows the answers masked; the values sit in the store with their PII tags', async () => {
      const parley = await startInProcess(store.env());
      try {
        const session = await openSession(parley.url);
        await bookDemo(parley.url, session.token, 'Ada Lovelace', 'ada@example.org');
        const messages = await history(parley.url, session.token);
        const text = JSON.stringify(messages);
        expect(text).not.toContain('Ada Lovelace');
        expect(text).not.toContain('ada@example.org');
        expect(messages.filter((m) => m.sender === 'visitor' && m.text === MASKED_PII)).toHaveLength(2);
        const opened = await openStore(parley.config);
        try {
          const values = await opened.listValues(session.conversationId);
          expect(values.map(({ key, value, pii }) => ({ key, value, pii }))).toEqual(
            expect.arrayContaining([
              { key: 'name', value: 'Ada Lovelace', pii: 'identity' },
              { key: 'email', value: 'ada@example.org', pii: 'contact' },
            ]),
          );
        } finally {
          await opened.close();
        }
      } finally {
        await parley.close();
      }
    });
  });

  describe('conversation storage can be turned off', () => {
  // Without live handover: a bot with handover must store its conversations (server/bot/handover-definition.ts).
  const storageOff = (demo: BotFile) => {
    delete demo.handover;
    demo.policy = { ...demo.policy, storeConversations: false };
  };

    it('the bot still answers over the channel, and nothing of the exchange stays stored', async () => {
      const parley = await startInProcess({ ...store.env(), BOTS_DIR: demoBotsDir(storageOff) });
      try {
        const session = await openSession(parley.url);
        const replies = await subscribeToConversation(parley, session, 'message');
        try {
          expect((await send(parley.url, session.token, 'off-1', 'What are your opening hours?')).status).toBe(202);
          const [, reply] = (await replies.waitFor(2)) as ChatMessage[];
          expect(reply!.sender).toBe('bot');
          expect(reply!.text.length).toBeGreaterThan(0);
          // The turn ends with "typing off", which the server publishes only after forgetting the
          // exchange: from then on nothing of it may be stored.
          await replies.until((t) => t.some((e) => e.event === 'typing' && !(e.data as { typing: boolean }).typing), 'the end of the turn');
          expect(await history(parley.url, session.token)).toEqual([]);
        } finally {
          replies.disconnect();
        }
        const opened = await openStore(parley.config);
        try {
          expect(await opened.listMessages(session.conversationId, 0, 1000)).toEqual([]);
          expect(await opened.listValues(session.conversationId)).toEqual([]);
        } finally {
          await opened.close();
        }
        // Nor in a copy taken before the exchange was forgotten: the data key that sealed it is
        // destroyed; the conversation goes on under a newer one (docs/security.md, storage off).
        const keyring = await openKeyring(parley.config);
        try {
          const newest = await keyring.keyStore.newest(session.conversationId);
          expect(newest!.generation).toBeGreaterThan(1);
          for (let generation = 1; generation < newest!.generation; generation++) {
            expect(await keyring.keyStore.get(session.conversationId, generation)).toBeNull();
          }
        } finally {
          await keyring.keyStore.close();
        }
      } finally {
        await parley.close();
      }
    });

    it("a turn in one conversation leaves another conversation's stored messages of the same bot alone", async () => {
      const parley = await startInProcess({ ...store.env(), BOTS_DIR: demoBotsDir(storageOff) });
      try {
        // Each session's greeting is stored until that conversation's own first exchange.
        const bystander = await openSession(parley.url);
        const greeting = await history(parley.url, bystander.token);
        expect(greeting.length).toBeGreaterThan(0);

        const talker = await openSession(parley.url);
        const replies = await subscribeToConversation(parley, talker, 'message');
        try {
          expect((await send(parley.url, talker.token, 'off-1', 'What are your opening hours?')).status).toBe(202);
          await replies.waitFor(2);
        } finally {
          replies.disconnect();
        }
        // The talker's turn is over once its history is empty: its exchange is forgotten…
        await waitForHistory(parley.url, talker.token, (m) => m.length === 0);
        // …and the bystander's conversation still holds what it held.
        expect(await history(parley.url, bystander.token)).toEqual(greeting);
      } finally {
        await parley.close();
      }
    });
  });

  describe('logs never contain message text or PII', () => {
    it('a debug-level server log of a whole conversation with PII has none of it', async () => {
      const env = store.env();
      const parley = await startParley({ ...env, LOG_LEVEL: 'trace' });
      const secrets = ['Grace Hopper', 'grace.hopper@example.net', '+47 912 34 567', '4111 1111 1111 1111', 'marker-zebra-lantern'];
      try {
        const session = await openSession(parley.url);
        await send(parley.url, session.token, 'log-1', `marker-zebra-lantern my card is 4111 1111 1111 1111, call +47 912 34 567`);
        await bookDemo(parley.url, session.token, 'Grace Hopper', 'grace.hopper@example.net');
        await send(parley.url, `${session.token}x`, 'log-2', 'bad token');
      } finally {
        await parley.stop();
      }
      const output = parley.output();
      expect(output.length).toBeGreaterThan(100); // the server did log, at trace level
      for (const secret of secrets) expect(output, secret).not.toContain(secret);
      // The server's secrets: generated into DATA_DIR (SQLite), or configured (a shared store).
      const generated = join(parley.dataDir, 'secrets.json');
      const serverSecrets = existsSync(generated)
        ? (Object.values(JSON.parse(readFileSync(generated, 'utf8'))) as string[])
        : [env.TOKEN_KEYS!.split(':')[1]!, env.REALTIME_ENCRYPTION_KEY!, env.PUSHER_SECRET!];
      for (const value of serverSecrets) expect(output).not.toContain(value);
    });
  });

  describe('a conversation is bound to the browser that started it (SECURITY-NOTES V3)', () => {
    it("typing another visitor's name and e-mail into a fresh chat yields a new conversation and none of theirs", async () => {
      const parley = await startInProcess(store.env());
      try {
        const alice = await openSession(parley.url);
        await send(parley.url, alice.token, 'a-secret', 'alice private words');
        await bookDemo(parley.url, alice.token, 'Alice Example', 'alice@example.org');
        const mallory = await openSession(parley.url);
        await bookDemo(parley.url, mallory.token, 'Alice Example', 'alice@example.org');
        expect(mallory.conversationId).not.toBe(alice.conversationId);
        const seen = JSON.stringify(await history(parley.url, mallory.token));
        expect(seen).not.toContain('alice private words');
        expect((await history(parley.url, mallory.token)).every((m) => m.conversationId === mallory.conversationId)).toBe(true);
      } finally {
        await parley.close();
      }
    });
  });
});
