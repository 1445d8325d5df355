// Issue 16, "Tests that try to break it": what a visitor says, what a form collects and a quick
// reply's payload is found in no file the store keeps — the database, its WAL and shared memory, the archive, the key store, a
// backup, the MongoDB-protocol server's own storage files — while history (and the store, for the
// collected values) still shows it. Checked on the bytes of the files, with the server running.
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startInProcess } from '../helpers/in-process-parley.ts';
import { bookDemo, history, openSession, sendAndWait } from '../helpers/visitor-api.ts';
import { filesContaining, openedArchive, readMongoArchive, readSqliteArchive } from '../helpers/data-files.ts';
import { forEachStore } from '../helpers/stores.ts';
import { openStore } from '../../server/store/index.ts';
import { runCli } from '../../server/cli.ts';
import { tempDirs } from '../helpers/parley-cli.ts';

const DAY = 86_400_000;
const tempDir = tempDirs('parley-markers-');

forEachStore((kind) => {
  describe('data at rest: sealed', { timeout: 120_000 }, () => {
    it('markers sent by a visitor, collected by a form and in a quick reply\'s payload are in no data file, WAL, archive, backup or server storage file, while history shows them', async () => {
      const env: Record<string, string> = { ...kind.env(), DATA_DIR: tempDir() };
      const parley = await startInProcess(env);
      const dataDir = env.DATA_DIR!;
      const hex = randomBytes(6).toString('hex');
      const said = `said-${hex}`;
      const name = `Name${hex}`;
      const email = `mail-${hex}@example.org`;
      // A quick reply's payload: what choosing it sends (sealed, with its siblings', as one value).
      const payload = `choice:payload-${hex}`;
      const markers = [said, name, email, payload];
      const holding = (dir: string | undefined, deep = false) => (dir ? markers.flatMap((m) => filesContaining(dir, m, deep)) : []);
      try {
        const session = await openSession(parley.url);
        await sendAndWait(parley.url, session.token, 'c1', `my code word is ${said}`);
        await bookDemo(parley.url, session.token, name, email);

        const store = await openStore(parley.config);
        try {
          const buttons = [
            { label: 'This one', action: payload },
            { label: 'Cancel', action: 'form:cancel' },
          ];
          await store.appendMessage({ conversationId: session.conversationId, clientId: null, sender: 'bot', text: 'Which?', quickReplies: buttons });
          // Shown where they are shown: the visitor's words and the buttons in history, the form's values by the store.
          const shown = await history(parley.url, session.token);
          expect(shown.map((m) => m.text)).toContain(`my code word is ${said}`);
          expect(shown.at(-1)!.quickReplies).toEqual(buttons);
          expect((await store.listValues(session.conversationId)).map((v) => v.value)).toEqual(expect.arrayContaining([name, email]));
        } finally {
          await store.close();
        }

        // Live: nowhere in the files.
        const dataFiles = readdirSync(dataDir);
        if (kind.kind === 'sqlite') {
          expect(dataFiles).toEqual(expect.arrayContaining(['parley.db', 'parley.db-wal', 'parley-archive.db', 'parley-keys.db']));
        }
        expect(holding(dataDir)).toEqual([]);
        expect(holding(kind.serverFiles(), true)).toEqual([]);

        // Archived (the sweeper's clock moved on): in the archive, readable with the keys, and still in no file.
        const sweeper = await openStore(parley.config);
        try {
          expect((await sweeper.sweep({ botId: 'demo', inactiveAfterMs: DAY, archive: true }, new Date(Date.now() + 2 * DAY))).conversationsArchived).toBe(1);
        } finally {
          await sweeper.close();
        }
        const raw = kind.kind === 'sqlite' ? readSqliteArchive(path.join(dataDir, 'parley-archive.db')) : readMongoArchive(env.MONGODB_URI!);
        const archived = await openedArchive(parley.config, raw)(session.conversationId);
        expect(archived.messages).toContain(`my code word is ${said}`);
        expect(archived.values).toEqual(expect.arrayContaining([`name=${name}`, `email=${email}`]));
        expect(holding(dataDir)).toEqual([]);
        expect(holding(kind.serverFiles(), true)).toEqual([]);

        // A backup (SQLite; MongoDB is backed up with mongodump, which copies these same documents).
        if (kind.kind === 'sqlite') {
          const backupDir = tempDir();
          const out: string[] = [];
          const code = await runCli(['backup', path.join(backupDir, 'nightly.db')], env, { out: (l) => out.push(l), err: (l) => out.push(l) });
          expect(code, out.join('\n')).toBe(0);
          expect(existsSync(path.join(backupDir, 'nightly-archive.db'))).toBe(true);
          expect(holding(backupDir)).toEqual([]);
        }
      } finally {
        await parley.close();
      }
    });
  });
});
