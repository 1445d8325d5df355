// Rule: "DATA_DIR is 0700 and every file in it 0600, and Parley refuses a DATA_DIR others can
// read" — checked on the files themselves, while the server that wrote them is still running.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startParley } from '../helpers/parley-server.ts';
import { openSession, send, waitForHistory } from '../helpers/visitor-api.ts';
import { modesIn } from '../helpers/data-files.ts';
import { runCli } from '../../server/cli.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
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
