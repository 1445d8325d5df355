// What the chat side (turns, the handover lifecycle, its sweep) is built from. The HTTP layer's
// AppDeps holds all of it, so routes hand theirs over as they are.
import type { Logger } from 'pino';
import type { BotEngine } from '../bot/engine.ts';
import type { Config } from '../config/index.ts';
import type { Publisher } from '../realtime/publisher.ts';
import type { Store } from '../store/store.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { WebhookEvents } from '../webhooks/events.ts';

export interface ChatDeps {
  store: Store;
  engine: BotEngine;
  publisher: Publisher;
  logger: Logger;
  /**
   * The time the handover lifecycle reads: when it started, wait limits, presence, business hours.
   * The real clock, except in tests that move it instead of waiting.
   */
  clock: () => Date;
  config: Pick<Config, 'handover'>;
  /** This instance's Prometheus metrics (bot turn latency here). */
  metrics: Pick<Metrics, 'botTurnDuration'>;
  /** Webhook events (handover requested and resolved, form submitted), handed to the writes that cause them. */
  webhooks: WebhookEvents;
}
