// Turns of one conversation move between instances without waiting for a scan. The visitor's
// messages alternate between two instances behind nginx, each sent the moment the previous answer
// arrives; the instance that gets a message kicks its turn while the other may still hold the
// conversation's lease from the turn before. The scan that picks up orphaned turns is set to an
// hour, so a kick that gives up on a lease about to be released strands its turn for all to see.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTopology, type Topology } from '../helpers/scale-out-topology.ts';
import { SCRIPT, arrive, takeTurn } from '../helpers/scripted-visitor.ts';
import { demoBotsDir } from '../helpers/demo-bot.ts';

/** Each handover is a chance for the race; the script four times over gives it 80. */
const ROUNDS = 4;
const BOTS_DIR = demoBotsDir((demo) => (demo.policy = { ...demo.policy, messagesPerMinute: 100 }));

let topology: Topology;
beforeAll(async () => {
  topology = await startTopology({ env: { BOTS_DIR, TURN_SCAN_INTERVAL: '1h' } });
}, 60_000);
afterAll(() => topology?.stop());

describe('a conversation whose messages alternate between two instances', () => {
  it('gets every answer from the kick of the instance that took the message, never from a later scan', async () => {
    const visitor = await arrive(topology.origin);
    try {
      for (let round = 0; round < ROUNDS; round++) {
        for (let n = 0; n < SCRIPT.length; n++) await takeTurn(visitor, n, `round-${round}-turn-${n}`);
      }
      expect(new Set(visitor.servedBy).size).toBe(2);
    } finally {
      visitor.live.disconnect();
    }
  }, 90_000);
});
