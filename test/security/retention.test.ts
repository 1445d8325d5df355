// Rule: "messages and collected values expire after a configured time; inactive conversations are
// archived or deleted" — the sweeper that enforces it on a timer, with a controllable clock, on each
// store (MongoDB's adapter has no TTL index either: this sweeper is what expires its data too).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../server/security/logger.ts';
import { retentionPolicyOf, startRetentionSweeper } from '../../server/security/retention.ts';
import { openSqliteStore } from '../../server/store/index.ts';
import type { RetentionPolicy, SweepResult } from '../../server/store/store.ts';
import { forEachStore } from '../helpers/stores.ts';
import { readSqliteArchive } from '../helpers/data-files.ts';

const ZERO: SweepResult = { messagesDeleted: 0, valuesDeleted: 0, conversationsArchived: 0, conversationsDeleted: 0, archivedConversationsDeleted: 0, handoverTextsDeleted: 0 };
const DAY = 86_400_000;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function recordingStore(behaviour: (policy: RetentionPolicy) => Promise<SweepResult> = async () => ZERO) {
  const calls: Array<{ policy: RetentionPolicy; now: Date }> = [];
  return {
    calls,
    store: {
      sweep: async (policy: RetentionPolicy, now: Date) => {
        calls.push({ policy, now });
        return behaviour(policy);
      },
    },
  };
}

describe('retention sweeper', () => {
  it('retention: one run sweeps every bot that has a limit, at the sweeper clock', async () => {
    const { store, calls } = recordingStore(async (p) => ({ ...ZERO, messagesDeleted: p.botId === 'a' ? 3 : 1 }));
    const at = new Date('2026-05-01T10:00:00Z');
    const sweeper = startRetentionSweeper({
      store,
      policies: () => [{ botId: 'a', messageTtlMs: 1000 }, { botId: 'nolimits' }, { botId: 'b', inactiveAfterMs: 86_400_000, archive: true }],
      intervalMs: 60_000,
      now: () => at,
    });
    try {
      const results = await sweeper.runOnce();
      expect(calls.map((c) => c.policy.botId)).toEqual(['a', 'b']);
      expect(calls.every((c) => c.now === at)).toBe(true);
      expect(results.map((r) => r.messagesDeleted)).toEqual([3, 1]);
    } finally {
      sweeper.stop();
    }
  });

  it('retention: policies are re-read on every run', async () => {
    const { store, calls } = recordingStore();
    let policies: RetentionPolicy[] = [{ botId: 'first', messageTtlMs: 1 }];
    const sweeper = startRetentionSweeper({ store, policies: () => policies, intervalMs: 60_000 });
    await sweeper.runOnce();
    policies = [{ botId: 'second', valueTtlMs: 1 }];
    await sweeper.runOnce();
    sweeper.stop();
    expect(calls.map((c) => c.policy.botId)).toEqual(['first', 'second']);
  });

  it('retention: the timer sweeps repeatedly and stop() ends it', async () => {
    // The sweeper's own clock is faked: each interval elapses when the test says so, and the
    // async advance lets each run's sweep settle before the next tick.
    vi.useFakeTimers();
    try {
      const { store, calls } = recordingStore();
      const sweeper = startRetentionSweeper({ store, policies: () => [{ botId: 'demo', messageTtlMs: 1 }], intervalMs: 20 });
      await vi.advanceTimersByTimeAsync(60);
      expect(calls).toHaveLength(3);
      sweeper.stop();
      await vi.advanceTimersByTimeAsync(200);
      expect(calls).toHaveLength(3);
    } finally {
      vi.useRealTimers();
    }
  });

  it('retention: one bot failing does not spare the others, and the failure is logged and reported', async () => {
    const chunks: string[] = [];
    const logger = createLogger({ level: 'info', destination: { write: (s: string) => void chunks.push(s) } });
    const { store, calls } = recordingStore(async (p) => {
      if (p.botId === 'broken') throw new Error('database is locked');
      return { ...ZERO, valuesDeleted: 2 };
    });
    const sweeper = startRetentionSweeper({
      store,
      policies: () => [{ botId: 'broken', messageTtlMs: 1 }, { botId: 'fine', valueTtlMs: 1 }],
      intervalMs: 60_000,
      logger,
    });
    await expect(sweeper.runOnce()).rejects.toThrow(AggregateError);
    sweeper.stop();
    expect(calls.map((c) => c.policy.botId)).toEqual(['broken', 'fine']);
    const out = chunks.join('');
    expect(out).toMatch(/"botId":"broken".*retention sweep failed/);
    expect(out).toMatch(/"botId":"fine","messagesDeleted":0,"valuesDeleted":2/);
  });

  it('retention: runs never overlap, even when a sweep is slower than the interval', async () => {
    let active = 0;
    let maxActive = 0;
    const { store, calls } = recordingStore(async () => {
      active++;
      maxActive = Math.max(maxActive, active);
      await sleep(40);
      active--;
      return ZERO;
    });
    const sweeper = startRetentionSweeper({ store, policies: () => [{ botId: 'slow', messageTtlMs: 1 }], intervalMs: 5 });
    await Promise.all([sweeper.runOnce(), sweeper.runOnce(), sweeper.runOnce()]);
    sweeper.stop();
    expect(maxActive).toBe(1);
    expect(calls.length).toBeGreaterThanOrEqual(3);
  });

  it('retention: stop() resolves only once a sweep under way is done, so the store can then be closed', async () => {
    let finish: () => void = () => undefined;
    const { store } = recordingStore(() => new Promise<SweepResult>((resolve) => (finish = () => resolve(ZERO))));
    const sweeper = startRetentionSweeper({ store, policies: () => [{ botId: 'slow', messageTtlMs: 1 }], intervalMs: 60_000 });
    const run = sweeper.runOnce();
    let stopped = false;
    const stopping = sweeper.stop().then(() => (stopped = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    finish();
    await stopping;
    expect(stopped).toBe(true);
    await expect(run).resolves.toEqual([ZERO]);
  });

  it('retention: a bad interval is refused', () => {
    const { store } = recordingStore();
    expect(() => startRetentionSweeper({ store, policies: () => [], intervalMs: 0 })).toThrow(/intervalMs/);
    expect(() => startRetentionSweeper({ store, policies: () => [], intervalMs: Number.NaN })).toThrow(/intervalMs/);
  });
});

forEachStore((storeKind) => {
  describe('retention on a real store', () => {

    it('retention: with a 1 s retention, messages and collected values are gone after a sweep', async () => {
      const store = await storeKind.open();
      const t0 = new Date('2026-05-01T10:00:00Z');
      let clock = t0;
      const at = (ms: number): Date => new Date(t0.getTime() + ms);
      const sweeper = startRetentionSweeper({
        store,
        policies: () => [{ botId: 'short', messageTtlMs: 1000, valueTtlMs: 1000 }],
        intervalMs: 3_600_000,
        now: () => clock,
      });
      try {
        await store.createConversation({ id: 'c-short', botId: 'short', visitorId: 'v1', origin: 'https://a.example', now: t0 });
        await store.createConversation({ id: 'c-keep', botId: 'long', visitorId: 'v2', origin: 'https://a.example', now: t0 });
        for (const id of ['c-short', 'c-keep']) {
          await store.appendMessage({ conversationId: id, clientId: 'm1', sender: 'visitor', text: 'my e-mail is ann@example.com', now: t0 });
          await store.putValue(id, { key: 'email', value: 'ann@example.com', pii: 'contact', now: t0 });
        }
        await store.appendMessage({ conversationId: 'c-short', clientId: 'm2', sender: 'visitor', text: 'fresh', now: at(1500) });

        clock = at(900);
        await sweeper.runOnce();
        expect(await store.listMessages('c-short', 0, 10)).toHaveLength(2);

        clock = at(2000);
        const [result] = await sweeper.runOnce();
        expect(result).toMatchObject({ messagesDeleted: 1, valuesDeleted: 1 });
        expect((await store.listMessages('c-short', 0, 10)).map((m) => m.text)).toEqual(['fresh']);
        expect(await store.listValues('c-short')).toEqual([]);
        // Another bot's data, under no such policy, is untouched.
        expect(await store.listMessages('c-keep', 0, 10)).toHaveLength(1);
        expect(await store.listValues('c-keep')).toHaveLength(1);
      } finally {
        sweeper.stop();
        await store.close();
      }
    });

    it('retention: inactive conversations are deleted (archive off) or archived out of the live store', async () => {
      // The archive is read back from outside the store (its file, or its collections).
      const { store, readArchive } = await storeKind.openWithArchive();
      const t0 = new Date('2026-05-01T10:00:00Z');
      let clock = t0;
      const sweeper = startRetentionSweeper({
        store,
        policies: () => [
          { botId: 'deletes', inactiveAfterMs: 1000, archive: false },
          { botId: 'archives', inactiveAfterMs: 1000, archive: true },
        ],
        intervalMs: 3_600_000,
        now: () => clock,
      });
      try {
        await store.createConversation({ id: 'c-del', botId: 'deletes', visitorId: 'v', origin: 'https://a.example', now: t0 });
        await store.createConversation({ id: 'c-arc', botId: 'archives', visitorId: 'v', origin: 'https://a.example', now: t0 });
        await store.createConversation({ id: 'c-active', botId: 'deletes', visitorId: 'v', origin: 'https://a.example', now: new Date(t0.getTime() + 1800) });
        for (const id of ['c-del', 'c-arc']) {
          await store.appendMessage({ conversationId: id, clientId: 'm1', sender: 'visitor', text: `words of ${id}`, now: t0 });
          await store.putValue(id, { key: 'email', value: 'ann@example.com', pii: 'contact', now: t0 });
        }
        clock = new Date(t0.getTime() + 2000);
        const results = await sweeper.runOnce();
        expect(results).toEqual([
          { ...ZERO, conversationsDeleted: 1 },
          { ...ZERO, conversationsArchived: 1 },
        ]);
        expect(await store.getConversation('c-del')).toBeNull();
        expect(await store.getConversation('c-arc')).toBeNull();
        expect(await store.getConversation('c-active')).not.toBeNull();
        // The archive itself holds the archived conversation whole, and nothing of the deleted one.
        expect(await readArchive('c-arc')).toEqual({ conversation: true, messages: ['words of c-arc'], values: ['email=ann@example.com'] });
        expect(await readArchive('c-del')).toEqual({ conversation: false, messages: [], values: [] });
      } finally {
        sweeper.stop();
        await store.close();
      }
    });
  });
});

describe('retention of the archive', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-archive-ttl-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("retention: archived conversations are deleted once older than the bot's archiveTtl; without one they are kept", async () => {
    const store = await openSqliteStore(path.join(dir, 'archive.db'));
    const readArchive = readSqliteArchive(path.join(dir, 'archive-archive.db'));
    const t0 = new Date('2026-05-01T10:00:00Z');
    let clock = t0;
    const sweeper = startRetentionSweeper({
      store,
      policies: () => [
        retentionPolicyOf('yearly', { inactiveAfterMs: DAY, archive: true, archiveTtlMs: 365 * DAY }),
        retentionPolicyOf('forever', { inactiveAfterMs: DAY, archive: true }),
      ],
      intervalMs: 3_600_000,
      now: () => clock,
    });
    try {
      for (const botId of ['yearly', 'forever']) {
        await store.createConversation({ id: `c-${botId}`, botId, visitorId: 'v', origin: 'https://a.example', now: t0 });
        await store.appendMessage({ conversationId: `c-${botId}`, clientId: 'm1', sender: 'visitor', text: 'archived words', now: t0 });
      }
      clock = new Date(t0.getTime() + DAY);
      expect((await sweeper.runOnce()).map((r) => r.conversationsArchived)).toEqual([1, 1]);

      clock = new Date(t0.getTime() + DAY + 365 * DAY);
      expect((await sweeper.runOnce()).map((r) => r.archivedConversationsDeleted)).toEqual([0, 0]);
      expect(await readArchive('c-yearly')).toMatchObject({ conversation: true, messages: ['archived words'] });

      clock = new Date(t0.getTime() + DAY + 365 * DAY + 1);
      expect((await sweeper.runOnce()).map((r) => r.archivedConversationsDeleted)).toEqual([1, 0]);
      expect(await readArchive('c-yearly')).toEqual({ conversation: false, messages: [], values: [] });

      clock = new Date(t0.getTime() + 100 * 365 * DAY);
      await sweeper.runOnce();
      expect(await readArchive('c-forever')).toEqual({ conversation: true, messages: ['archived words'], values: [] });
    } finally {
      sweeper.stop();
      await store.close();
    }
  });
});
