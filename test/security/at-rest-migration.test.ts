// Issue 16: rows written before sealing are sealed in place at start, in batches, and a run stopped
// half-way goes on at the next start; afterwards everything reads as before (messages, quick
// replies, a pending turn's input, collected values, dialog state, handover notes, resolution notes
// and rating comments, the archive) and the clear text is in no file. Rows "from before" are written by the adapter alone, as the previous Parley did.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirs } from '../helpers/parley-cli.ts';
import { forEachStore } from '../helpers/stores.ts';
import {
  filesContaining,
  openedArchive,
  openedArchivedHandovers,
  readMongoArchive,
  readMongoArchivedHandovers,
  readSqliteArchive,
  readSqliteArchivedHandovers,
} from '../helpers/data-files.ts';
import { deploymentSecrets } from '../helpers/deployment-secrets.ts';
import { loadConfig } from '../../server/config/index.ts';
import { openKeyring, openMongoStore, openSqliteStore, openStore, sealingErrorCode, sqliteFileIn, type Store } from '../../server/store/index.ts';
import { EMPTY_NOTES_SEALED_MARK, sealClearRows, sealPass, SEALED_MARK, WEBHOOKS_SEALED_MARK } from '../../server/store/sealing/migration.ts';
import { sqliteRows } from '../../server/store/sealing/sqlite-rows.ts';
import { mongoRows } from '../../server/store/sealing/mongo-rows.ts';
import type { SealableRows } from '../../server/store/sealing/rows.ts';
import { newId } from '../../server/chat/ids.ts';

const DAY = 86_400_000;
const rejection = (promise: Promise<unknown>) => promise.then(() => 'resolved', (err: unknown) => sealingErrorCode(err) ?? String(err));
const tempDir = tempDirs('parley-migrate-');

forEachStore((kind) => {
  describe('data at rest: rows from before sealing', { timeout: 120_000 }, () => {
    it('are sealed in place at start, in batches; a run stopped half-way goes on next time; everything reads as before', async () => {
      const env: Record<string, string> = { ...deploymentSecrets(), ...kind.env(), DATA_DIR: tempDir() };
      const config = loadConfig(env);
      const hex = randomBytes(6).toString('hex');
      const said = (n: number) => `old-${n}-${hex}`;
      const openLegacy = (): Promise<Store> => (kind.kind === 'sqlite' ? openSqliteStore(sqliteFileIn(config.dataDir)) : openMongoStore(env.MONGODB_URI!));
      const openRows = (): Promise<SealableRows> | SealableRows => (kind.kind === 'sqlite' ? sqliteRows(sqliteFileIn(config.dataDir)) : mongoRows(env.MONGODB_URI!));

      // The previous Parley's rows: six conversations, one of them archived, one with a turn pending,
      // two (the archived one and a live one) with a rated handover holding a note.
      const legacy = await openLegacy();
      const handovers: string[] = [];
      const handedOver = async (id: string, n: number, now: Date) => {
        const { handover } = await legacy.openHandover({ id: newId(), conversationId: id, source: 'intent', now });
        await legacy.addHandoverNote({ id: newId(), handoverId: handover.id, authorId: 'op-1', text: `note-${n}-${hex}`, createdAt: now });
        const taken = await legacy.transitionHandover(handover.id, 1, { state: 'assigned', assigneeId: 'op-1', assignedAt: now });
        await legacy.transitionHandover(handover.id, taken!.version, { state: 'resolved', endedAt: now, resolution: 'answered', resolutionNote: `resolved-${n}-${hex}` });
        expect(await legacy.rateHandover(handover.id, 4, `comment-${n}-${hex}`)).toBe(true);
        handovers[n] = handover.id;
      };
      const old = new Date(Date.now() - 10 * DAY);
      for (let n = 0; n < 6; n++) {
        const id = `conv-${n}`;
        const botId = n === 0 ? 'keeper' : 'demo';
        const now = n === 0 ? old : new Date(); // conv-0 went quiet long ago: the sweep archives it
        await legacy.createConversation({ id, botId, visitorId: `v${n}`, origin: 'https://shop.example', now });
        await legacy.appendMessage({ conversationId: id, clientId: null, sender: 'bot', text: `hello ${n}`, quickReplies: [{ label: `Yes ${hex}`, action: `yes-${hex}` }], now });
        await legacy.appendVisitorMessage({ conversationId: id, clientId: 'c1', sender: 'visitor', text: said(n), turn: { input: { text: said(n) }, locale: 'en', access: 'public' }, now });
        if (n !== 5) {
          const outcome = { meta: { outcome: 'form' as const }, replies: [{ sender: 'bot' as const, text: `noted ${n}` }], values: [{ key: 'email', value: `${said(n)}@example.org`, pii: 'contact' as const }] };
          await legacy.completeTurn(id, 2, { ...outcome, state: { context: `ctx-${hex}`, fallbacks: n }, now });
        }
        if (n < 2) await handedOver(id, n, now);
      }
      expect((await legacy.sweep({ botId: 'keeper', inactiveAfterMs: DAY, archive: true }, new Date())).conversationsArchived).toBe(1);
      await legacy.close();
      if (kind.kind === 'sqlite') expect(filesContaining(config.dataDir, said(1))).not.toEqual([]);

      // A first run stopped after its first batch of two rows.
      const keyring = await openKeyring(config);
      const rows = await openRows();
      try {
        const stopped = await sealClearRows(rows, keyring, { batch: 2, stillOurs: async () => false });
        expect(stopped).toEqual({ sealed: 2, done: false });
        expect(await keyring.keyStore.meta(SEALED_MARK)).toBeNull();
      } finally {
        await rows.close();
        await keyring.keyStore.close();
      }

      // The next start finishes it.
      const store = await openStore(config);
      try {
        for (let n = 1; n < 6; n++) {
          const messages = await store.listMessages(`conv-${n}`, 0, 10);
          expect(messages.map((m) => m.text)).toEqual(n === 5 ? [`hello ${n}`, said(n)] : [`hello ${n}`, said(n), `noted ${n}`]);
          expect(messages[0]!.quickReplies).toEqual([{ label: `Yes ${hex}`, action: `yes-${hex}` }]);
          expect((await store.getConversation(`conv-${n}`))!.state).toEqual(n === 5 ? {} : { context: `ctx-${hex}`, fallbacks: n });
          if (n !== 5) expect(await store.listValues(`conv-${n}`)).toEqual([expect.objectContaining({ key: 'email', value: `${said(n)}@example.org` })]);
        }
        expect(await store.nextTurn('conv-5')).toMatchObject({ messageId: 2, input: { text: said(5) } });
        const archive = kind.kind === 'sqlite' ? readSqliteArchive(path.join(config.dataDir, 'parley-archive.db')) : readMongoArchive(env.MONGODB_URI!);
        expect((await openedArchive(config, archive)('conv-0')).messages).toEqual(['hello 0', said(0), 'noted 0']);
        expect(await store.getHandover(handovers[1]!)).toMatchObject({ resolutionNote: `resolved-1-${hex}`, ratingComment: `comment-1-${hex}` });
        expect((await store.listHandoverNotes(handovers[1]!)).map((note) => note.text)).toEqual([`note-1-${hex}`]);
        expect((await store.readConversation('conv-0'))!.handovers).toEqual([
          { handover: expect.objectContaining({ resolutionNote: `resolved-0-${hex}`, ratingComment: `comment-0-${hex}` }), notes: [expect.objectContaining({ text: `note-0-${hex}` })] },
        ]);
        const archivedHandovers =
          kind.kind === 'sqlite' ? readSqliteArchivedHandovers(path.join(config.dataDir, 'parley-archive.db')) : readMongoArchivedHandovers(env.MONGODB_URI!);
        expect((await openedArchivedHandovers(config, archivedHandovers)('conv-0')).notes).toEqual([`note-0-${hex}`]);
        // New writes to an old conversation seal with the key the migration gave it.
        await store.appendMessage({ conversationId: 'conv-1', clientId: 'c9', sender: 'visitor', text: 'after' });
        expect((await store.listMessages('conv-1', 3, 10)).map((m) => m.text)).toEqual(['after']);
      } finally {
        await store.close();
      }
      // (On MongoDB the server's own files may keep the old clear text until it compacts them —
      // FerretDB's WAL does: docs/security.md says what upgrading means for data written before.)
      if (kind.kind === 'sqlite') {
        for (let n = 0; n < 6; n++) expect(filesContaining(config.dataDir, said(n))).toEqual([]);
        expect(filesContaining(config.dataDir, `ctx-${hex}`)).toEqual([]);
        expect(filesContaining(config.dataDir, `yes-${hex}`)).toEqual([]);
        for (const marker of ['note', 'resolved', 'comment']) {
          for (let n = 0; n < 2; n++) expect(filesContaining(config.dataDir, `${marker}-${n}-${hex}`)).toEqual([]);
        }
      }
    });

    it("webhooks' rows from before (a pending delivery's body, the signing secrets) are sealed at the next start, where the first pass finished long ago", async () => {
      const env: Record<string, string> = { ...deploymentSecrets(), ...kind.env(), DATA_DIR: tempDir() };
      const config = loadConfig(env);
      const hex = randomBytes(6).toString('hex');
      const secret = `whsec_${hex}${hex}`;
      const payload = JSON.stringify({ type: 'form.submitted', data: { conversationId: 'conv-w', values: { email: `lead-${hex}@example.org` } } });
      const openLegacy = (): Promise<Store> => (kind.kind === 'sqlite' ? openSqliteStore(sqliteFileIn(config.dataDir)) : openMongoStore(env.MONGODB_URI!));
      const openRows = (): Promise<SealableRows> | SealableRows => (kind.kind === 'sqlite' ? sqliteRows(sqliteFileIn(config.dataDir)) : mongoRows(env.MONGODB_URI!));

      // The previous Parley: conversations sealed, webhooks in the clear; two webhooks, so two deliveries.
      const legacy = await openLegacy();
      const now = new Date();
      await legacy.createConversation({ id: 'conv-w', botId: 'demo', visitorId: 'v1', origin: 'https://shop.example', now });
      for (const id of ['hook-1', 'hook-2']) {
        await legacy.createWebhook({ id, botId: 'demo', url: 'https://hooks.example/lead', events: ['form.submitted'], enabled: true, secrets: [{ secret, createdAt: now, expiresAt: null }], createdAt: now, updatedAt: now });
      }
      expect(await legacy.enqueueWebhookEvent({ id: `msg_${hex}`, botId: 'demo', conversationId: 'conv-w', type: 'form.submitted', payload, createdAt: now })).toBe(2);
      await legacy.close();
      const keyring = await openKeyring(config);
      const rows = await openRows();
      try {
        expect((await sealPass(rows.sources, SEALED_MARK, keyring)).done).toBe(true);
        // This start's webhook pass stopped after its first batch of one row.
        expect(await sealPass(rows.webhookSources, WEBHOOKS_SEALED_MARK, keyring, { batch: 1, stillOurs: async () => false })).toEqual({ sealed: 1, done: false });
        expect(await keyring.keyStore.meta(WEBHOOKS_SEALED_MARK)).toBeNull();
      } finally {
        await rows.close();
        await keyring.keyStore.close();
      }

      // The next start finishes it, and everything reads as written.
      const store = await openStore(config);
      try {
        for (const id of ['hook-1', 'hook-2']) expect((await store.getWebhook(id))!.secrets.map((s) => s.secret)).toEqual([secret]);
        expect((await store.dueWebhookDeliveries(new Date(now.getTime() + 1000), 10)).map((d) => d.payload)).toEqual([payload, payload]);
      } finally {
        await store.close();
      }
      if (kind.kind === 'sqlite') {
        expect(filesContaining(config.dataDir, `lead-${hex}`)).toEqual([]);
        expect(filesContaining(config.dataDir, `${hex}${hex}`)).toEqual([]);
      }
    });

    it('an empty resolution note an older bug left in the clear is sealed at the next start; one beside a rating comment in the clear stays refused', async () => {
      const env: Record<string, string> = { ...deploymentSecrets(), ...kind.env(), DATA_DIR: tempDir() };
      const config = loadConfig(env);
      const openLegacy = (): Promise<Store> => (kind.kind === 'sqlite' ? openSqliteStore(sqliteFileIn(config.dataDir)) : openMongoStore(env.MONGODB_URI!));
      const openRows = (): Promise<SealableRows> | SealableRows => (kind.kind === 'sqlite' ? sqliteRows(sqliteFileIn(config.dataDir)) : mongoRows(env.MONGODB_URI!));
      const now = new Date();

      // Two conversations with a handover each, sealed by the previous Parley's two passes.
      let legacy = await openLegacy();
      const ids: string[] = [];
      for (const n of [0, 1]) {
        await legacy.createConversation({ id: `conv-e${n}`, botId: 'demo', visitorId: `v${n}`, origin: 'https://shop.example', now });
        const { handover } = await legacy.openHandover({ id: newId(), conversationId: `conv-e${n}`, source: 'intent', now });
        await legacy.transitionHandover(handover.id, 1, { state: 'assigned', assigneeId: 'op-1', assignedAt: now });
        ids[n] = handover.id;
      }
      await legacy.close();
      const keyring = await openKeyring(config);
      let rows = await openRows();
      try {
        expect((await sealPass(rows.sources, SEALED_MARK, keyring)).done).toBe(true);
        expect((await sealPass(rows.webhookSources, WEBHOOKS_SEALED_MARK, keyring)).done).toBe(true);
      } finally {
        await rows.close();
        await keyring.keyStore.close();
      }
      // Then that Parley resolved both with an empty note, which its sealing layer left in the
      // clear (written here by the adapter alone, as that layer did); the second handover's rating
      // comment is in the clear too, which no Parley ever wrote: tampering.
      legacy = await openLegacy();
      for (const id of ids) {
        expect(await legacy.transitionHandover(id, 2, { state: 'resolved', endedAt: now, resolution: 'other', resolutionNote: '' })).not.toBeNull();
      }
      expect(await legacy.rateHandover(ids[1]!, 2, 'typed into the database')).toBe(true);
      await legacy.close();

      const store = await openStore(config);
      try {
        expect((await store.getHandover(ids[0]!))?.resolutionNote).toBe('');
        expect(await rejection(store.getHandover(ids[1]!))).toBe('tampered');
      } finally {
        await store.close();
      }
      const check = await openKeyring(config);
      rows = await openRows();
      try {
        expect(await check.keyStore.meta(EMPTY_NOTES_SEALED_MARK)).not.toBeNull();
        // The pass sealed only the empty note: the tampered handover's row is as it was.
        const handoverRows = [];
        for (const source of rows.sources) handoverRows.push(...(await source.read(null, 100)).filter((r) => r.kind === 'handover'));
        expect(handoverRows.map((r) => r.kind === 'handover' && [r.resolutionNote?.startsWith('sealed1:'), r.ratingComment])).toEqual(
          expect.arrayContaining([
            [true, null],
            [false, 'typed into the database'],
          ]),
        );
      } finally {
        await rows.close();
        await check.keyStore.close();
      }
    });
  });
});
