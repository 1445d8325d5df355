// Rules: "DATA_DIR is 0700 and every file in it 0600, and Parley refuses a DATA_DIR others can
// read"; "a deleted conversation's ciphertext and data key are in no file of DATA_DIR" — checked on
// the files themselves, byte for byte, while the server that wrote them is still running.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startParley } from '../helpers/parley-server.ts';
import { startInProcess } from '../helpers/in-process-parley.ts';
import { call, openSession, send, waitForHistory } from '../helpers/visitor-api.ts';
import { filesContaining, modesIn } from '../helpers/data-files.ts';
import { runCli } from '../../server/cli.ts';
import Database from 'better-sqlite3';
import { openStore } from '../../server/store/index.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DAY = 86_400_000;
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-at-rest-'));
  dirs.push(dir);
  return dir;
}

/** Every secret a deployment sets itself, so nothing is generated into DATA_DIR. */
function deploymentSecrets(): Record<string, string> {
  return {
    TOKEN_KEYS: `k1:${randomBytes(32).toString('base64url')}`,
    REALTIME_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    PUSHER_APP_ID: '123456',
    PUSHER_KEY: randomBytes(10).toString('hex'),
    PUSHER_SECRET: randomBytes(24).toString('hex'),
    PARLEY_DEMO_IDENTITY_SECRET: randomBytes(32).toString('base64url'),
  };
}

/** A short chat, so the database, the archive and both WALs all exist and hold data. */
async function chat(url: string): Promise<void> {
  const session = await openSession(url);
  expect((await send(url, session.token, 'c1', 'What are your opening hours?')).status).toBe(202);
  await waitForHistory(url, session.token, (m) => m.filter((x) => x.sender === 'bot').length >= 2);
}

describe('data at rest: file modes', { timeout: 90_000 }, () => {
  it('data at rest: a new DATA_DIR is 0700 and every file in it 0600 (WAL, shared memory, archive, secrets), whoever creates it', async () => {
    for (const env of [deploymentSecrets(), {}]) {
      const dataDir = path.join(tempDir(), 'data'); // does not exist yet: Parley creates it
      const parley = await startParley({ ...env, DATA_DIR: dataDir });
      try {
        await chat(parley.url);
        const modes = modesIn(dataDir);
        expect(Object.keys(modes)).toEqual(
          expect.arrayContaining(['parley.db', 'parley.db-wal', 'parley.db-shm', 'parley-archive.db', 'parley-archive.db-wal', 'parley-archive.db-shm']),
        );
        if (!('TOKEN_KEYS' in env)) expect(Object.keys(modes)).toEqual(expect.arrayContaining(['secrets.json', 'identity-demo.secret']));
        const { '.': dirMode, ...fileModes } = modes;
        expect(dirMode?.toString(8)).toBe('700');
        expect(Object.fromEntries(Object.entries(fileModes).map(([name, mode]) => [name, mode.toString(8)]))).toEqual(
          Object.fromEntries(Object.keys(fileModes).map((name) => [name, '600'])),
        );
      } finally {
        await parley.stop();
      }
    }
  });

  it('data at rest: a DATA_DIR open to group or others is refused at start in one line, exit code 2, and left untouched', async () => {
    for (const mode of [0o755, 0o750, 0o701]) {
      const dataDir = tempDir();
      chmodSync(dataDir, mode);
      const run = spawnSync(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
        cwd: ROOT,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: '0', DATA_DIR: dataDir },
        encoding: 'utf8',
        timeout: 60_000,
      });
      const octal = mode.toString(8).padStart(4, '0');
      expect(run.status, run.stderr).toBe(2);
      expect(run.stderr.trimEnd().split('\n')).toEqual([
        `parley: DATA_DIR ${dataDir} is open to group or others (mode ${octal}); it holds conversations and secrets, so Parley will not start: run chmod 700 ${dataDir}`,
      ]);
      expect(run.stdout).toBe('');
      expect(readdirSync(dataDir)).toEqual([]); // nothing generated, nothing opened
    }
  });

  it('data at rest: the operator CLI refuses such a DATA_DIR too (exit code 2)', async () => {
    const dataDir = tempDir();
    chmodSync(dataDir, 0o777);
    const err: string[] = [];
    expect(await runCli(['sweep'], { DATA_DIR: dataDir }, { out: () => undefined, err: (line) => err.push(line) })).toBe(2);
    expect(err.join('\n')).toMatch(/^DATA_DIR .* is open to group or others \(mode 0777\)/);
  });
});

describe('data at rest: deleted conversations', { timeout: 90_000 }, () => {
  it('data at rest: after a visitor DELETE, an operator delete-conversation and retention sweeps, neither the deleted ciphertext nor its data key is in any file of DATA_DIR', async () => {
    const parley = await startInProcess();
    const dataDir = parley.config.dataDir;
    const cliEnv = { DATA_DIR: dataDir };
    const quiet = { out: () => undefined, err: () => undefined };

    /** The stored (sealed) text of a conversation's first message, and its wrapped data key, read from the files. */
    function onDisk(conversationId: string): { sealed: string; wrappedKey: Buffer } {
      const data = new Database(path.join(dataDir, 'parley.db'), { readonly: true });
      const keys = new Database(path.join(dataDir, 'parley-keys.db'), { readonly: true });
      try {
        const sealed = data.prepare<[string], string>('SELECT text FROM messages WHERE conversation_id = ? ORDER BY id LIMIT 1').pluck().get(conversationId)!;
        const wrappedKey = keys.prepare<[string], Buffer>('SELECT wrapped FROM data_keys WHERE conversation_id = ?').pluck().get(conversationId)!;
        return { sealed, wrappedKey };
      } finally {
        data.close();
        keys.close();
      }
    }

    /** A conversation over HTTP whose visitor wrote `marker`, answered by the bot; what of it is on disk. */
    async function conversationSaying(marker: string) {
      const session = await openSession(parley.url);
      expect((await send(parley.url, session.token, 'c1', `${marker} is my secret`)).status).toBe(202);
      await waitForHistory(parley.url, session.token, (m) => m.filter((x) => x.sender === 'bot').length >= 2);
      expect(filesContaining(dataDir, marker)).toEqual([]); // sealed: never on disk in the clear
      const stored = onDisk(session.conversationId);
      expect(stored.sealed).toMatch(/^sealed1:/);
      expect(filesContaining(dataDir, stored.sealed)).not.toEqual([]); // the ciphertext really is on disk before
      const holdingKey = filesContaining(dataDir, stored.wrappedKey);
      expect(holdingKey.length).toBeGreaterThan(0);
      expect(holdingKey.every((name) => name.startsWith('parley-keys.db'))).toBe(true); // the key store only
      return { session, ...stored };
    }
    const gone = (stored: { sealed: string; wrappedKey: Buffer }) => {
      expect(filesContaining(dataDir, stored.sealed)).toEqual([]);
      expect(filesContaining(dataDir, stored.wrappedKey)).toEqual([]);
    };
    const marker = (what: string) => `${what}-${randomBytes(6).toString('hex')}`;

    try {
      const a = await conversationSaying(marker('visitor-delete'));
      expect((await call(parley.url, '/api/v1/conversation', { method: 'DELETE', token: a.session.token })).status).toBe(204);
      gone(a);

      const b = await conversationSaying(marker('operator-delete'));
      expect(await runCli(['delete-conversation', b.session.conversationId], cliEnv, quiet)).toBe(0);
      gone(b);

      // Retention sweeps as the server's sweeper and `npm run parley -- sweep` run them, from a
      // store of their own and with a clock moved ahead: the conversation is archived (the live
      // files lose its ciphertext, the key stays), its archived messages expire, then the
      // archive's own retention erases it (the key goes).
      const archived = await conversationSaying(marker('archived'));
      const sweeper = await openStore(parley.config);
      try {
        await sweeper.sweep({ botId: 'demo', inactiveAfterMs: DAY, archive: true }, new Date(Date.now() + 2 * DAY));
        const holdingArchived = filesContaining(dataDir, archived.sealed);
        expect(holdingArchived.length).toBeGreaterThan(0);
        expect(holdingArchived.every((name) => name.startsWith('parley-archive.db'))).toBe(true);
        const expiring = await conversationSaying(marker('expiring'));
        await sweeper.sweep({ botId: 'demo', messageTtlMs: DAY }, new Date(Date.now() + 3 * DAY));
        expect(filesContaining(dataDir, archived.sealed)).toEqual([]);
        expect(filesContaining(dataDir, expiring.sealed)).toEqual([]);
        await sweeper.sweep({ botId: 'demo', archiveTtlMs: DAY }, new Date(Date.now() + 4 * DAY));
        gone(archived);
      } finally {
        await sweeper.close();
      }
    } finally {
      await parley.close();
    }
  });
});
