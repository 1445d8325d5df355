// Group commit on a disk that fills up in the middle of a batch: a real filesystem (a small tmpfs
// mounted for the test) runs out of space while SQLite spills the batch's pages into the WAL.
// SQLite then rolls the whole transaction back; every append must be reported as what is on disk.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from './sqlite.ts';
import { newConversationId } from './store-contract.ts';

const mountPoint = mkdtempSync(path.join(tmpdir(), 'parley-full-'));

/** Mounting needs CAP_SYS_ADMIN (root on this machine); the reason is in the suite name otherwise. */
function tryMount(sizeMb: number): string | null {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m,mode=0700`, 'tmpfs', mountPoint], { stdio: 'pipe' });
    return null;
  } catch (err) {
    return String((err as { stderr?: Buffer }).stderr ?? err).trim();
  }
}

// The batch must outgrow SQLite's page cache so that pages spill into the WAL mid-transaction (a
// full disk at COMMIT alone fails the whole batch together, which was always reported right).
const cacheBytes = (() => {
  const db = new Database(':memory:');
  try {
    return (db.pragma('cache_spill', { simple: true }) as number) * (db.pragma('page_size', { simple: true }) as number);
  } finally {
    db.close();
  }
})();
const MESSAGE_BYTES = 100_000;
const BATCH = Math.ceil((3 * cacheBytes) / MESSAGE_BYTES);
const FREE_BYTES = cacheBytes;
const mountError = tryMount(Math.ceil((5 * cacheBytes) / 1_000_000));

afterAll(() => {
  // Lazy: a handle a failed assertion left open must not leave the mount behind.
  if (mountError === null) execFileSync('umount', ['-l', mountPoint]);
  rmSync(mountPoint, { recursive: true, force: true });
});

describe.skipIf(mountError !== null)(
  mountError === null ? 'SQLite group commit on a full disk' : `SQLite group commit on a full disk (skipped: cannot mount a tmpfs: ${mountError})`,
  () => {
    it('reports each append of a batch that hit a full disk as what is on disk, and keeps working once there is space', async () => {
      const file = path.join(mountPoint, 'parley.db');
      const store = await openSqliteStore(file);
      const id = newConversationId();
      const texts = Array.from({ length: BATCH }, (_, i) => `${i}:`.padEnd(MESSAGE_BYTES, String.fromCharCode(97 + (i % 26))));
      const appendAll = (prefix: string, count: number) =>
        Promise.allSettled(
          texts.slice(0, count).map((text, i) => store.appendMessage({ conversationId: id, clientId: `${prefix}${i}`, sender: 'visitor', text })),
        );
      const AFTER = 10;
      let outcomes: PromiseSettledResult<unknown>[];
      try {
        await store.createConversation({ id, botId: 'demo', visitorId: 'v', origin: 'https://site.example' });
        // Leave room for part of the batch only.
        const space = statfsSync(mountPoint);
        writeFileSync(path.join(mountPoint, 'filler'), Buffer.alloc(space.bavail * space.bsize - FREE_BYTES));
        outcomes = await appendAll('full-', BATCH);
        rmSync(path.join(mountPoint, 'filler'));
        // With space again, the store takes the next batch as if nothing had happened.
        const after = await appendAll('after-', AFTER);
        expect(after.every((o) => o.status === 'fulfilled')).toBe(true);
      } finally {
        await store.close();
      }

      // Reopened from the file: every append reported stored is there, every one reported failed is not.
      const reopened = await openSqliteStore(file);
      try {
        const stored = new Set((await reopened.listMessages(id, 0, 10 * BATCH)).map((m) => m.clientId));
        const wrong = outcomes.flatMap((o, i) => ((o.status === 'fulfilled') === stored.has(`full-${i}`) ? [] : [`full-${i} ${o.status}`]));
        expect(wrong).toEqual([]);
        for (let i = 0; i < AFTER; i++) expect(stored.has(`after-${i}`)).toBe(true);
      } finally {
        await reopened.close();
      }
      const reasons = outcomes.flatMap((o) => (o.status === 'rejected' ? [(o.reason as { code?: string }).code] : []));
      expect(reasons.length).toBeGreaterThan(0); // the disk really did fill up mid-batch
      expect(new Set(reasons)).toEqual(new Set(['SQLITE_FULL']));
    });
  },
);
