// Issue 13: "a test edits a row directly in the database and sees it caught". Entries are written
// through the store, then changed, re-sealed or removed behind its back (the SQLite file with its
// append-only triggers dropped, as someone holding the file would; the MongoDB documents), and
// `npm run parley -- audit-verify`, the real CLI as a child process, must name the entry.
import path from 'node:path';
import Database from 'better-sqlite3';
import mongoose from 'mongoose';
import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../server/store/index.ts';
import { forEachStore, type StoreKind } from '../helpers/stores.ts';
import { sealEntry } from '../../server/audit/chain.ts';
import { verifyAuditLog } from '../../server/audit/verify-log.ts';
import { parleyInProcess, parleyProcess as parley, tempDirs, withStoreOf } from '../helpers/parley-cli.ts';

const tempDir = tempDirs('parley-audit-');

const cli = parleyInProcess;
const withStore = withStoreOf;

/** Five entries as the console would write them. */
function seed(env: Record<string, string>): Promise<AuditEntry[]> {
  return withStore(env, async (store) => {
    const entries: AuditEntry[] = [];
    for (const [i, action] of ['user.create', 'login', 'user.role', 'conversation.view', 'logout'].entries()) {
      const at = new Date(Date.UTC(2030, 0, 1, 0, i));
      entries.push(await store.appendAudit({ at, actor: 'admin', action, target: `t${i}`, outcome: 'ok', ip: '192.0.2.7', details: { step: i } }));
    }
    return entries;
  });
}

/**
 * Works on the audit log directly in the database, past the store: the SQLite file with its
 * append-only triggers dropped (as someone holding the file would), or the MongoDB collection.
 */
async function behindTheStore(
  kind: StoreKind,
  env: Record<string, string>,
  work: { sqlite: (db: Database.Database) => number; mongodb: (log: mongoose.mongo.Collection) => Promise<number> },
): Promise<void> {
  if (kind === 'sqlite') {
    const db = new Database(path.join(env.DATA_DIR!, 'parley.db'));
    try {
      db.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete');
      expect(work.sqlite(db)).toBe(1);
    } finally {
      db.close();
    }
    return;
  }
  const conn = await mongoose.createConnection(env.MONGODB_URI!).asPromise();
  try {
    expect(await work.mongodb(conn.db!.collection('audit_log'))).toBe(1);
  } finally {
    await conn.close();
  }
}

/** Changes the action (and, to forge a re-seal, the hash) of one stored entry. */
function editEntry(kind: StoreKind, env: Record<string, string>, seq: number, set: { action: string; hash?: string }) {
  return behindTheStore(kind, env, {
    sqlite: (db) =>
      db.prepare('UPDATE audit_log SET action = ?, hash = coalesce(?, hash) WHERE seq = ?').run(set.action, set.hash ?? null, seq).changes,
    mongodb: async (log) => (await log.updateOne({ seq }, { $set: set })).modifiedCount,
  });
}

function removeEntry(kind: StoreKind, env: Record<string, string>, seq: number) {
  return behindTheStore(kind, env, {
    sqlite: (db) => db.prepare('DELETE FROM audit_log WHERE seq = ?').run(seq).changes,
    mongodb: async (log) => (await log.deleteOne({ seq })).deletedCount,
  });
}

// Each child process pays tsx start-up (seconds on a loaded 2-core machine), hence the timeout.
forEachStore((store) => {
  describe('audit-verify', { timeout: 90_000 }, () => {
    it('audit log tamper-evident: the CLI passes the intact log and names the entry edited in the database', async () => {
      const env = { ...store.env(), DATA_DIR: tempDir() };
      const entries = await seed(env);

      const intact = parley(['audit-verify'], env);
      expect(intact.stderr).toBe('');
      expect(intact.code).toBe(0);
      expect(intact.stdout).toContain('audit log intact: 5 entries');
      expect(intact.stdout).toContain(`last entry: seq 5, hash ${entries[4]!.hash}`);

      await editEntry(store.kind, env, 3, { action: 'user.view' });
      const broken = parley(['audit-verify'], env);
      expect(broken.code).toBe(1);
      expect(broken.stderr).toContain('audit log broken at entry 3:');
      expect(broken.stdout).toBe('');
    });

    it('audit log tamper-evident: an edit re-sealed with a fresh hash is named at the next entry', async () => {
      const env = { ...store.env(), DATA_DIR: tempDir() };
      const entries = await seed(env);
      const forged = sealEntry(entries[1]!, { ...entries[2]!, action: 'user.view' });
      await editEntry(store.kind, env, 3, { action: 'user.view', hash: forged.hash });
      const run = await cli(['audit-verify'], env);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('audit log broken at entry 4:');
    });

    it('audit log tamper-evident: a removed entry is named at the entry after it, on any page', async () => {
      const env = { ...store.env(), DATA_DIR: tempDir() };
      await seed(env);
      await removeEntry(store.kind, env, 4);
      expect(await withStore(env, (s) => verifyAuditLog(s, 2))).toEqual({ intact: false, brokenAt: 5 });
      const run = await cli(['audit-verify'], env);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('audit log broken at entry 5:');
    });

    it('audit log tamper-evident: an empty log is intact, and page size does not change the verdict', async () => {
      const env = { ...store.env(), DATA_DIR: tempDir() };
      expect((await cli(['audit-verify'], env)).stdout).toBe('audit log intact: 0 entries');
      const entries = await seed(env);
      for (const pageSize of [1, 2, 5, 1000]) {
        expect(await withStore(env, (s) => verifyAuditLog(s, pageSize))).toEqual({ intact: true, entries: 5, last: entries[4] });
      }
      await editEntry(store.kind, env, 5, { action: 'login' });
      for (const pageSize of [1, 2, 4, 1000]) {
        expect(await withStore(env, (s) => verifyAuditLog(s, pageSize))).toEqual({ intact: false, brokenAt: 5 });
      }
    });
  });
});

describe('audit-verify usage', () => {
  it('takes no arguments: exit 2 with the usage text', async () => {
    const run = await cli(['audit-verify', 'extra'], { DATA_DIR: tempDir() });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('audit-verify takes no arguments');
    expect(run.stderr).toContain('usage: npm run parley');
  });
});
