// A message's quick replies at rest (issue 16): every button's action sealed as ONE value with the
// buttons' labels bound to it, so a message costs one seal however many buttons it has; what that
// envelope may not do (open in another conversation, under other buttons, in another field); and
// rows written before, one envelope per button, which still read, verify, back up and migrate.
// Both adapters, the database edited behind the store's back as in at-rest-tamper.test.ts.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QuickReply } from '../../../common/wire.ts';
import { keysDatabaseBeside } from '../../config/index.ts';
import { openKeyring, openStore, sqliteFileIn, type StoreConfig } from '../index.ts';
import { startMongoServer, type MongoServer } from '../../../test/helpers/mongodb.ts';
import { isSealed, seal } from './cipher.ts';
import { sealingErrorCode } from './errors.ts';
import { FIELD } from './fields.ts';
import { sealPass, SEALED_MARK } from './migration.ts';
import { mongoRows } from './mongo-rows.ts';
import type { SealableRows } from './rows.ts';
import { backupSqlite, withBackupCopy } from './sqlite-backup.ts';
import { sqliteRows } from './sqlite-rows.ts';
import { verifySealedRows } from './verify.ts';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
let mongo: MongoServer;
beforeAll(async () => {
  mongo = await startMongoServer();
});
afterAll(() => mongo?.stop());

/** A message's buttons and text as the adapter stores them, read and written behind the store's back. */
interface Raw {
  buttons(conversationId: string, messageId: number): Promise<QuickReply[]>;
  setButtons(conversationId: string, messageId: number, buttons: QuickReply[]): Promise<void>;
  text(conversationId: string, messageId: number): Promise<string>;
  setText(conversationId: string, messageId: number, text: string): Promise<void>;
  /** The store's rows as the migration and the backup check walk them. */
  rows(): Promise<SealableRows>;
  close(): Promise<void>;
}

interface Adapter {
  name: string;
  config(): StoreConfig;
  raw(config: StoreConfig): Promise<Raw>;
}

const adapters: Adapter[] = [
  {
    name: 'SQLite',
    config() {
      const dataDir = mkdtempSync(path.join(tmpdir(), 'parley-quick-replies-'));
      dirs.push(dataDir);
      return { dataDir, storageKeys: [{ kid: 'k1', key: randomBytes(32) }], keyStore: { file: path.join(dataDir, 'parley-keys.db') } };
    },
    async raw(config) {
      const file = sqliteFileIn(config.dataDir);
      const db = new Database(file);
      const one = (sql: string, ...args: unknown[]) => db.prepare(sql).pluck().get(...args) as string;
      return {
        buttons: async (c, id) => JSON.parse(one('SELECT quick_replies FROM messages WHERE conversation_id = ? AND id = ?', c, id)) as QuickReply[],
        setButtons: async (c, id, buttons) =>
          void db.prepare('UPDATE messages SET quick_replies = ? WHERE conversation_id = ? AND id = ?').run(JSON.stringify(buttons), c, id),
        text: async (c, id) => one('SELECT text FROM messages WHERE conversation_id = ? AND id = ?', c, id),
        setText: async (c, id, text) => void db.prepare('UPDATE messages SET text = ? WHERE conversation_id = ? AND id = ?').run(text, c, id),
        rows: async () => sqliteRows(file),
        close: async () => void db.close(),
      };
    },
  },
  {
    name: 'MongoDB',
    config() {
      const uri = mongo.freshDatabaseUri();
      return { dataDir: '/nonexistent', mongodbUri: uri, storageKeys: [{ kid: 'k1', key: randomBytes(32) }], keyStore: { mongodbUri: keysDatabaseBeside(uri) } };
    },
    async raw(config) {
      const conn = await mongoose.createConnection(config.mongodbUri!).asPromise();
      const messages = conn.db!.collection('messages');
      const find = async (c: string, id: number) => (await messages.findOne({ conversationId: c, id }))!;
      return {
        buttons: async (c, id) => ((await find(c, id)).quickReplies as QuickReply[]).map(({ label, action }) => ({ label, action })),
        setButtons: async (c, id, quickReplies) => void (await messages.updateOne({ conversationId: c, id }, { $set: { quickReplies } })),
        text: async (c, id) => String((await find(c, id)).text),
        setText: async (c, id, text) => void (await messages.updateOne({ conversationId: c, id }, { $set: { text } })),
        rows: () => mongoRows(config.mongodbUri!),
        close: () => conn.close(),
      };
    },
  },
];

const menu = (marker: string): QuickReply[] => [
  { label: 'Prices', action: `intent:prices-${marker}` },
  { label: 'Contact', action: `intent:contact-${marker}` },
  { label: 'Thanks', action: `intent:thanks-${marker}` },
];

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => 'opened',
    (err: unknown) => sealingErrorCode(err) ?? String(err),
  );

for (const adapter of adapters) {
  describe(`quick replies at rest on ${adapter.name}`, { timeout: 60_000 }, () => {
    async function world() {
      const config = adapter.config();
      const store = await openStore(config);
      const raw = await adapter.raw(config);
      const marker = randomBytes(6).toString('hex');
      for (const id of ['a', 'b']) {
        await store.createConversation({ id, botId: 'demo', visitorId: `v-${id}`, origin: 'https://site.example' });
        await store.appendMessage({ conversationId: id, clientId: null, sender: 'bot', text: `pick one ${id}`, quickReplies: menu(marker) });
      }
      await store.appendMessage({
        conversationId: 'a',
        clientId: null,
        sender: 'bot',
        text: 'sure?',
        quickReplies: [
          { label: 'Yes', action: 'intent:yes' },
          { label: 'No', action: 'intent:no' },
          { label: 'Maybe', action: 'intent:maybe' },
        ],
      });
      return { config, store, raw, marker, close: async () => (await store.close(), await raw.close()) };
    }

    it("a message's actions are one sealed value beside its labels, and read back as they were", async () => {
      const { store, raw, marker, close } = await world();
      try {
        const stored = await raw.buttons('a', 1);
        expect(stored.map((b) => b.label)).toEqual(['Prices', 'Contact', 'Thanks']);
        // One envelope for the three buttons: the first holds it, the others nothing.
        expect(stored.filter((b) => b.action !== '')).toHaveLength(1);
        expect(stored.slice(1).map((b) => b.action)).toEqual(['', '']);
        expect(JSON.stringify(stored)).not.toContain(marker);
        expect((await store.listMessages('a', 0, 10))[0]!.quickReplies).toEqual(menu(marker));
        // A lone button is one value too, in the same form.
        await store.appendMessage({ conversationId: 'b', clientId: null, sender: 'bot', text: 'ok?', quickReplies: [{ label: 'OK', action: `intent:ok-${marker}` }] });
        expect(JSON.stringify(await raw.buttons('b', 2))).not.toContain(marker);
        expect((await store.listMessages('b', 1, 10))[0]!.quickReplies).toEqual([{ label: 'OK', action: `intent:ok-${marker}` }]);
        // A bot's own action that starts like the stored form is an action all the same: sealed, and
        // read back as written (it once came back as the array it spelled, ["x"] → x).
        const lookalike = [{ label: 'Odd', action: 'actions:["x"]' }];
        await store.appendMessage({ conversationId: 'b', clientId: null, sender: 'bot', text: 'odd', quickReplies: lookalike });
        expect((await raw.buttons('b', 3))[0]!.action).toMatch(/^actions:sealed1:/);
        expect((await store.listMessages('b', 2, 10))[0]!.quickReplies).toEqual(lookalike);
      } finally {
        await close();
      }
    });

    it('the envelope moved to another conversation, under other buttons or into another field fails authentication, and so do relabelled or dropped buttons', async () => {
      const { store, raw, close } = await world();
      try {
        const aMenu = await raw.buttons('a', 1);
        const aSure = await raw.buttons('a', 2);
        const bMenu = await raw.buttons('b', 1);
        const aText = await raw.text('a', 1);
        const readA = () => failure(store.listMessages('a', 0, 10));
        const readB = () => failure(store.listMessages('b', 0, 10));
        expect(await readA()).toBe('opened');

        // Another conversation's buttons, the very same labels: the conversation is bound.
        await raw.setButtons('b', 1, aMenu);
        expect(await readB()).toBe('tampered');
        await raw.setButtons('b', 1, bMenu);
        expect(await readB()).toBe('opened');

        // Another message's envelope of the same conversation, under this message's labels.
        await raw.setButtons('a', 2, aSure.map((b, i) => ({ ...b, action: aMenu[i]!.action })));
        expect(await readA()).toBe('tampered');
        // The labels changed in the clear, or a button dropped: the labels are bound.
        await raw.setButtons('a', 2, aSure.map((b, i) => (i === 2 ? { ...b, label: 'Delete my account' } : b)));
        expect(await readA()).toBe('tampered');
        await raw.setButtons('a', 2, aSure.slice(0, 2));
        expect(await readA()).toBe('tampered');
        await raw.setButtons('a', 2, aSure);
        expect(await readA()).toBe('opened');

        // The buttons' envelope as the message text, and the text's envelope in the buttons' place.
        await raw.setText('a', 1, aMenu[0]!.action.slice(aMenu[0]!.action.indexOf('sealed1:')));
        expect(await readA()).toBe('tampered');
        await raw.setText('a', 1, aText);
        await raw.setButtons('a', 1, aMenu.map((b, i) => (i === 0 ? { ...b, action: aMenu[0]!.action.replace(/sealed1:.*/, aText) } : b)));
        expect(await readA()).toBe('tampered');
        await raw.setButtons('a', 1, aMenu);
        expect((await store.listMessages('a', 0, 10)).map((m) => m.quickReplies?.length)).toEqual([3, 3]);
      } finally {
        await close();
      }
    });

    it('buttons stored one envelope each, as before, still read, verify, migrate and (SQLite) back up; a swapped one is reported', async () => {
      const { config, store, raw, marker, close } = await world();
      const keyring = await openKeyring(config);
      try {
        // What the store wrote before: each action sealed alone under message.quickReply.action.
        const oldForm = async (conversationId: string, buttons: QuickReply[]) => {
          const key = await keyring.current(conversationId);
          return buttons.map((b) => ({ label: b.label, action: seal(key, FIELD.quickReplyAction, b.action) }));
        };
        await raw.setButtons('a', 1, await oldForm('a', menu(marker)));
        await store.appendMessage({ conversationId: 'b', clientId: null, sender: 'bot', text: 'ok?', quickReplies: [{ label: 'OK', action: 'x' }] });
        await raw.setButtons('b', 2, await oldForm('b', [{ label: 'OK', action: `intent:ok-${marker}` }]));
        expect((await raw.buttons('a', 1)).every((b) => isSealed(b.action))).toBe(true);

        expect((await store.listMessages('a', 0, 10))[0]!.quickReplies).toEqual(menu(marker));
        expect((await store.listMessages('b', 1, 10))[0]!.quickReplies).toEqual([{ label: 'OK', action: `intent:ok-${marker}` }]);

        const rows = await raw.rows();
        try {
          expect(await verifySealedRows(rows, keyring)).toMatchObject({ conversations: { readable: 2, erased: 0, damaged: 0 }, problems: [] });
          // The migration leaves them as they are: sealed already (read both forms, rewrite none).
          expect(await sealPass(rows.sources, SEALED_MARK, keyring, { evenIfDone: true })).toEqual({ sealed: 0, done: true });
        } finally {
          await rows.close();
        }
        expect((await store.listMessages('a', 0, 10))[0]!.quickReplies).toEqual(menu(marker));

        // Buttons from before sealing (in the clear) are sealed by the migration as one value.
        await raw.setButtons('b', 1, menu(`clear-${marker}`));
        const clear = await raw.rows();
        try {
          expect(await sealPass(clear.sources, SEALED_MARK, keyring, { evenIfDone: true })).toEqual({ sealed: 1, done: true });
        } finally {
          await clear.close();
        }
        const migrated = await raw.buttons('b', 1);
        expect(migrated.slice(1).map((b) => b.action)).toEqual(['', '']);
        expect(JSON.stringify(migrated)).not.toContain(marker);
        expect((await store.listMessages('b', 0, 1))[0]!.quickReplies).toEqual(menu(`clear-${marker}`));

        if (adapter.name === 'SQLite') {
          const backup = path.join(config.dataDir, 'backup.db');
          await backupSqlite(sqliteFileIn(config.dataDir), backup);
          const report = await withBackupCopy(backup, async (copy) => {
            const copied = sqliteRows(copy);
            try {
              return await verifySealedRows(copied, keyring);
            } finally {
              await copied.close();
            }
          });
          expect(report).toMatchObject({ conversations: { readable: 2, erased: 0, damaged: 0 } });
        }

        // One of b's old envelopes in a's row: found by the check, refused by the store.
        const swapped = await raw.buttons('a', 1);
        swapped[1] = { ...swapped[1]!, action: (await raw.buttons('b', 2))[0]!.action };
        await raw.setButtons('a', 1, swapped);
        expect(await failure(store.listMessages('a', 0, 10))).toBe('tampered');
        const again = await raw.rows();
        try {
          const report = await verifySealedRows(again, keyring);
          expect(report.conversations).toEqual({ readable: 1, erased: 0, damaged: 1 });
          expect(report.problems).toEqual(['message.quickReply.action of conversation a: fails authentication']);
        } finally {
          await again.close();
        }
      } finally {
        await keyring.keyStore.close();
        await close();
      }
    });
  });
}
