// Retention sweeps run on one instance at a time: two sweepers sharing a store (as two instances
// share MongoDB) take the store's lease, and only its holder sweeps.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../server/store/index.ts';
import { startRetentionSweeper } from '../../server/security/retention.ts';
import { madeTempDir } from '../helpers/temp-dirs.ts';

describe('retention sweep leader', () => {
  it('of two instances sharing a store, only the lease holder sweeps; the other takes over once the lease passes', async () => {
    const store = await openSqliteStore(join(madeTempDir('parley-leader-'), 'parley.db'));
    const policies = () => [{ botId: 'demo', messageTtlMs: 1000 }];
    let clock = 1_000_000;
    const sweeperOf = (owner: string) =>
      startRetentionSweeper({ store, policies, intervalMs: 3_600_000, lease: () => store.lease('retention', owner, clock, clock + 5000) });
    const a = sweeperOf('instance-a');
    const b = sweeperOf('instance-b');
    try {
      const [ranA, ranB] = await Promise.all([a.runOnce(), b.runOnce()]);
      expect([ranA.length, ranB.length].sort()).toEqual([0, 1]);
      const holder = ranA.length === 1 ? a : b;
      const other = holder === a ? b : a;
      expect(await other.runOnce()).toEqual([]); // still held
      clock += 5000; // the holder died: its lease passes
      expect(await other.runOnce()).toHaveLength(1);
    } finally {
      a.stop();
      b.stop();
      await store.close();
    }
  });
});
