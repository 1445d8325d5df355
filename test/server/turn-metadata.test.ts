// What each turn did reaches the store through the real server (issue 15): a visitor talks to the
// demo bot over HTTP, and afterwards the store holds, per visitor message, the engine's outcome and
// the intent reached, and per conversation its language and every intent and outcome: the
// metadata the console's filters and the reports read.
import { describe, expect, it } from 'vitest';
import { openStore } from '../../server/store/index.ts';
import { startInProcess } from '../helpers/in-process-parley.ts';
import { history, openSession, send } from '../helpers/visitor-api.ts';
import { pollUntil } from '../helpers/poll.ts';
import { forEachStore } from '../helpers/stores.ts';

forEachStore((kind) => {
  describe('turn metadata through the server', () => {
    it('keeps each visitor message\'s outcome and intent, and the conversation\'s language, intents and outcomes', async () => {
      const env = kind.env();
      const parley = await startInProcess(env);
      let conversationId: string;
      try {
        const session = await openSession(parley.url, { locale: 'nb-NO' });
        conversationId = session.conversationId;
        const script = ['hva koster det', 'qwxz plmk vbnj', 'hvor er ordren min'];
        for (const [n, text] of script.entries()) {
          expect((await send(parley.url, session.token, `c${n}`, text)).status).toBe(202);
          await pollUntil(() => history(parley.url, session.token), (m) => m.at(-1)?.sender === 'bot' && m.filter((x) => x.sender === 'visitor').length === n + 1, 'the answer');
        }
      } finally {
        await parley.close();
      }
      const store = await openStore(parley.config);
      try {
        expect((await store.listTurnMeta(conversationId)).map((m) => [m.outcome, m.intent])).toEqual([
          ['answered', 'pricing'],
          ['fallback', null],
          ['refused', null], // order status needs a verified visitor
        ]);
        expect(await store.getConversation(conversationId)).toMatchObject({
          locale: 'nb',
          intents: ['pricing'],
          outcomes: ['answered', 'fallback', 'refused'],
        });
      } finally {
        await store.close();
      }
    }, 60_000);
  });
});
