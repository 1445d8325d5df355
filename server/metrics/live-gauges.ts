// Gauges read when Prometheus scrapes, from what this instance can see at that moment: the store's
// backlog (shared by every instance, so each reports the same figure) and, with the embedded
// realtime server, its own sockets. With an external relay (REALTIME=pusher) the sockets are the
// relay's: soketi and Pusher Channels report them, Parley cannot, so those gauges are not registered.
import { Gauge, type Registry } from 'prom-client';
import type { Store } from '../store/store.ts';

/** Scrapes look at most this many pending conversations or waiting handovers: a bound on the scrape's cost. */
export const LIVE_COUNT_CAP = 10_000;

export interface RealtimeCounts {
  connectionCount(): number;
  /** Subscriptions (socket, channel pairs) by channel kind. */
  subscriptionCounts(): Record<string, number>;
}

export interface LiveSources {
  store: Pick<Store, 'conversationsWithPendingTurns' | 'listHandovers'>;
  /** The bots that hand over to humans: each gets its series, 0 when nothing waits. */
  handoverBots: () => string[];
  /** Undefined with an external relay. */
  realtime?: RealtimeCounts;
}

export function registerLiveGauges(registry: Registry, sources: LiveSources): void {
  const { store, realtime, handoverBots } = sources;
  new Gauge({
    name: 'parley_turns_pending_conversations',
    help: `Conversations with a bot turn not yet done, in the shared store (at most ${LIVE_COUNT_CAP})`,
    registers: [registry],
    async collect() {
      this.set((await store.conversationsWithPendingTurns(LIVE_COUNT_CAP)).length);
    },
  });
  new Gauge({
    name: 'parley_handovers_waiting',
    help: `Handovers waiting for an operator, by bot, in the shared store (at most ${LIVE_COUNT_CAP} in all)`,
    labelNames: ['bot'] as const,
    registers: [registry],
    async collect() {
      const waiting = await store.listHandovers({ bots: 'all', states: ['waiting'], limit: LIVE_COUNT_CAP });
      this.reset();
      for (const bot of handoverBots()) this.set({ bot }, 0);
      for (const handover of waiting) this.inc({ bot: handover.botId });
    },
  });
  if (!realtime) return;
  new Gauge({
    name: 'parley_realtime_connections',
    help: 'Open WebSocket connections to this instance\'s embedded realtime server',
    registers: [registry],
    collect() {
      this.set(realtime.connectionCount());
    },
  });
  new Gauge({
    name: 'parley_realtime_subscriptions',
    help: 'Channel subscriptions on this instance\'s embedded realtime server, by channel kind',
    labelNames: ['kind'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [kind, count] of Object.entries(realtime.subscriptionCounts())) this.set({ kind }, count);
    },
  });
}
