// Issue 16 over what issues 14 and 15 added, on both stores, over real HTTP: what a visitor types,
// gives to a form (the bot's demo booking, and the leave-a-message form when nobody is online),
// and what operators write (their messages, an internal note, a resolution note) and the visitor's
// rating comment are in no file the store keeps (database, WAL, archive, key store, a backup, the
// MongoDB-protocol server's own storage files), live and archived, while the console (handover
// view, conversation browser and its reveal) and the exports (an administrator's, the frame's)
// show them. A subject's erasure and a visitor's deletion destroy the conversation's data key: a
// backup taken before them, restored with the current key store, reports both as erased.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forEachStore } from '../helpers/stores.ts';
import { startHandoverWorld, type HandoverWorld, type Staff } from '../helpers/handover-world.ts';
import { call, history, openSession, waitForHistory } from '../helpers/visitor-api.ts';
import { filesContaining } from '../helpers/data-files.ts';
import { deploymentSecrets } from '../helpers/deployment-secrets.ts';
import { pollUntil } from '../helpers/poll.ts';
import { parleyInProcess, tempDirs, withStoreOf } from '../helpers/parley-cli.ts';
import { signVisitorIdentity } from '../../server/bot/identity.ts';
import { loadConfig } from '../../server/config/index.ts';
import { openKeyring, sealingErrorCode } from '../../server/store/index.ts';
import type { SubjectExport } from '../../common/data-protection-wire.ts';
import type { HandoverDetail, HandoverView } from '../../common/handover-wire.ts';
import type { ConversationDetail } from '../../common/conversations-wire.ts';
import type { ChatMessage, SessionResponse } from '../../common/wire.ts';

const DAY = 86_400_000;
const tempDir = tempDirs('parley-at-rest-handover-');

const rejection = (promise: Promise<unknown>) => promise.then(() => 'resolved', (err: unknown) => sealingErrorCode(err) ?? String(err));

forEachStore((kind) => {
  describe('data at rest: the live handover and data protection', { timeout: 240_000 }, () => {
    let world: HandoverWorld;
    let operator: Staff;
    // Lower case: the bot's e-mail slot keeps addresses in lower case.
    const m = `m${randomBytes(5).toString('hex')}`;
    const marker = {
      typed: `typed-${m}`,
      operator: `operator-${m}`,
      note: `note-${m}`,
      resolved: `resolved-${m}`,
      rating: `rating-${m}`,
      name: `name-${m}`,
      email: `mail-${m}@example.org`,
      leftEmail: `left-${m}@example.org`,
      leftMessage: `left message ${m}`,
    };
    const markers = Object.values(marker);
    const sub = `sub-${m}`;

    beforeAll(async () => {
      // SQLite too gets its secrets from the environment: a restore into another DATA_DIR needs the same STORAGE_KEYS.
      world = await startHandoverWorld({ ...deploymentSecrets(), ...kind.env() });
      // Serves `demo` only: nobody is there for `shop`, whose visitors leave a message.
      operator = await world.staffOnline('grace@example.test', 'operator', ['demo'], 'Grace Hopper');
    }, 120_000);
    afterAll(() => world?.close());

    const dataDir = () => world.env.DATA_DIR!;
    /** The markers found in the files of `dir` (with `deep`, its subdirectories too). */
    const holding = (dir: string | undefined, deep = false) => (dir ? markers.flatMap((text) => filesContaining(dir, text, deep).map((f) => `${text} in ${f}`)) : []);
    /**
     * Sends `text` (or the button's `action`) and waits for the bot's answer: one starting with
     * `reply` when given, else any new one. A bound, not a wait: a handover bot's turn is some twenty
     * FerretDB calls, each up to a second with other suites beside it on two cores.
     */
    async function say(session: SessionResponse, clientId: string, text: string | { action: string }, reply?: string): Promise<void> {
      const after = (await history(world.url, session.token)).at(-1)?.id ?? 0;
      const json = typeof text === 'string' ? { clientId, text } : { clientId, ...text };
      expect((await call(world.url, '/api/v1/messages', { token: session.token, json })).status).toBe(202);
      const answered = (messages: ChatMessage[]) => messages.some((x) => x.id > after && x.sender === 'bot' && (reply === undefined || x.text.startsWith(reply)));
      await waitForHistory(world.url, session.token, answered, 90_000);
    }

    async function queued(conversationId: string): Promise<HandoverView> {
      const listed = await pollUntil(
        () => world.admin.request<{ handovers: HandoverView[] }>('GET', '/handovers?limit=200'),
        (answer) => answer.body.handovers?.some((h) => h.conversationId === conversationId),
        'the handover in the queue',
        90_000,
      );
      return listed.body.handovers.find((h) => h.conversationId === conversationId)!;
    }

    const exportOf = async (conversationId: string) => (await world.admin.request<SubjectExport>('POST', '/subjects/export', { conversationId })).body;

    it('markers typed, given to forms, written by operators and in a rating comment are in no file, live, archived or backed up, while the console and the exports show them; erasure destroys the keys and a backup restored afterwards reports the erased conversations as erased', async () => {
      // A verified visitor talks to an operator, rates the help, then books a demo.
      const ada = await openSession(world.url, { bot: 'demo', identity: await signVisitorIdentity(world.env.PARLEY_DEMO_IDENTITY_SECRET!, { sub, level: 'verified' }, '10m') });
      await say(ada, 'typed', `my code word is ${marker.typed}`);
      expect((await call(world.url, '/api/v1/messages', { token: ada.token, json: { clientId: 'human', action: 'handover:yes' } })).status).toBe(202);
      const handover = await queued(ada.conversationId);
      const on = (what: string) => `/handovers/${handover.id}/${what}`;
      expect((await operator.client.request('POST', on('take'))).status).toBe(200);
      expect((await operator.client.request('POST', on('messages'), { clientId: 'op-1', text: `Hello, ${marker.operator}` })).status).toBe(201);
      expect((await operator.client.request('POST', on('notes'), { text: `${marker.note}: wants a refund` })).status).toBe(201);
      expect((await operator.client.request('POST', on('resolve'), { code: 'answered', note: `${marker.resolved}: refunded` })).status).toBe(200);
      expect((await call(world.url, '/api/v1/rating', { token: ada.token, json: { score: 4, comment: `${marker.rating}: quick` } })).status).toBe(201);
      for (const [i, text] of ['I want to book a demo', `Ada ${marker.name}`, marker.email].entries()) await say(ada, `form-${i}`, text);

      // Nobody online for `shop`: the visitor leaves a message through the bot's form (bots/demo.json's prompts).
      const bea = await openSession(world.url, { bot: 'shop' });
      await say(bea, 'human', { action: 'handover:yes' }, 'Which email address');
      await say(bea, 'left-1', marker.leftEmail, 'What would you like to tell us?');
      await say(bea, 'left-2', marker.leftMessage, 'Thank you! Your message is in our queue');
      expect(await queued(bea.conversationId)).toMatchObject({ source: 'message', state: 'waiting' });

      // Shown where they are shown: the operator's handover view, the browser (masked) and its reveal, the exports.
      const detail = await operator.client.request<HandoverDetail>('GET', `/handovers/${handover.id}`);
      expect(detail.body.notes.map((n) => n.text)).toEqual([`${marker.note}: wants a refund`]);
      expect(detail.body.messages.map((x) => x.text)).toEqual(expect.arrayContaining([`my code word is ${marker.typed}`, `Hello, ${marker.operator}`]));
      expect(detail.body.handover.rating).toEqual({ score: 4, comment: `${marker.rating}: quick` });
      const browsed = await world.admin.request<ConversationDetail>('GET', `/conversations/${ada.conversationId}`);
      expect(browsed.status).toBe(200);
      expect(browsed.body.messages.map((x) => x.text)).toContain(`my code word is ${marker.typed}`);
      const revealed = await world.admin.request('POST', `/conversations/${ada.conversationId}/reveal`, { reason: 'the visitor asked for a copy' });
      expect(revealed.status).toBe(200);
      expect(JSON.stringify(revealed.body)).toContain(marker.email);
      const exported = JSON.stringify(await exportOf(ada.conversationId));
      for (const text of [marker.typed, marker.operator, marker.note, marker.resolved, marker.rating, marker.name, marker.email]) expect(exported).toContain(text);
      const framed = JSON.stringify((await call(world.url, '/api/v1/conversation/export', { token: ada.token })).body);
      for (const text of [marker.typed, marker.operator, marker.rating, marker.email]) expect(framed).toContain(text);
      expect(framed).not.toContain(marker.note);
      const left = JSON.stringify(await exportOf(bea.conversationId));
      for (const text of [marker.leftEmail, marker.leftMessage]) expect(left).toContain(text);

      // Live: in no file.
      expect(holding(dataDir())).toEqual([]);
      expect(holding(kind.serverFiles(), true)).toEqual([]);

      // Archived (the sweeper's clock moved on): the export still shows it all, and still no file holds it.
      const config = loadConfig(world.env);
      await withStoreOf(world.env, async (store) => {
        expect((await store.sweep({ botId: 'demo', inactiveAfterMs: DAY, archive: true }, new Date(Date.now() + 2 * DAY))).conversationsArchived).toBe(1);
      });
      const archived = await exportOf(ada.conversationId);
      expect(archived.conversations[0]!.archivedAt).not.toBeNull();
      for (const text of [marker.typed, marker.note, marker.resolved, marker.rating, marker.email]) expect(JSON.stringify(archived)).toContain(text);
      expect(holding(dataDir())).toEqual([]);
      expect(holding(kind.serverFiles(), true)).toEqual([]);

      // A backup (SQLite's; MongoDB's is a mongodump of these same documents).
      const backup = path.join(tempDir(), 'nightly.db');
      if (kind.kind === 'sqlite') {
        const taken = await parleyInProcess(['backup', backup], world.env);
        expect(taken.code, taken.stderr).toBe(0);
        expect(holding(path.dirname(backup))).toEqual([]);
      }

      // Erasure: the subject's request reaches the archived conversation, the visitor deletes theirs.
      expect((await world.admin.request('POST', '/subjects/erase', { bot: 'demo', sub })).body).toEqual({ erased: 1 });
      expect((await call(world.url, '/api/v1/conversation', { method: 'DELETE', token: bea.token })).status).toBe(204);
      const keyring = await openKeyring(config);
      try {
        expect(await keyring.hasKey(ada.conversationId)).toBe(false);
        expect(await keyring.hasKey(bea.conversationId)).toBe(false);
      } finally {
        await keyring.keyStore.close();
      }

      if (kind.kind === 'sqlite') {
        // The backup from before, restored into a fresh deployment with the current key store.
        const keyStore = { KEY_STORE_FILE: path.join(dataDir(), 'parley-keys.db') };
        const verified = await parleyInProcess(['backup-verify', backup], { ...world.env, ...keyStore });
        expect(verified.code, verified.stderr).toBe(0);
        expect(verified.stdout).toMatch(/0 conversation\(s\) readable, 2 erased \(their keys are gone\), 0 damaged/);
        const fresh = { ...world.env, ...keyStore, DATA_DIR: tempDir() };
        const restored = await parleyInProcess(['restore', backup], fresh);
        expect(restored.code, restored.stderr).toBe(0);
        await withStoreOf(fresh, async (store) => {
          // Rows came back with the backup; nothing opens them: read as deleted, reported as erased.
          expect(await store.readConversation(ada.conversationId)).toBeNull();
          expect(await store.getConversation(bea.conversationId)).toBeNull();
          expect(await rejection(store.listMessages(bea.conversationId, 0, 100))).toBe('erased');
          expect(await store.listHandovers({ bots: 'all', limit: 100 })).toEqual([]);
        });
      }
    });
  });
});
