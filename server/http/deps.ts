// What the HTTP layer is built from. main.ts assembles these; tests assemble their own.
import type Pusher from 'pusher';
import type { Logger } from 'pino';
import type { Config } from '../config/index.ts';
import type { Store } from '../store/store.ts';
import type { BotEngine } from '../bot/engine.ts';
import type { Publisher } from '../realtime/publisher.ts';
import type { TokenSealer } from '../tokens/visitor-token.ts';
import type { RateLimits } from '../security/rate-limits.ts';
import type { TurnWorker } from '../chat/turn-worker.ts';
import type { RealtimeClientConfig } from '../../common/wire.ts';
import type { Mailer } from '../accounts/mailer.ts';
import type { OidcClient } from '../accounts/oidc.ts';
import type { BotSettings } from '../privacy/bot-settings.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { WebhookEvents } from '../webhooks/events.ts';

export interface AppDeps {
  config: Config;
  /** The origin visitors reach us at, resolved after listen. */
  publicUrl: string;
  store: Store;
  engine: BotEngine;
  /** Bots' data-protection settings as saved in the console, put in force in `engine` on every instance. */
  botSettings: BotSettings;
  publisher: Publisher;
  tokens: TokenSealer;
  limits: RateLimits;
  /** Runs the bot turns that visitor messages leave pending in the store. */
  turns: Pick<TurnWorker, 'kick'>;
  logger: Logger;
  /** The time of the handover lifecycle (server/chat/deps.ts): the real clock, or a test's. */
  clock: () => Date;
  /** Console invitations and password resets (printed to stdout without SMTP_URL). */
  mailer: Mailer;
  /** Console single sign-on, discovered at start; undefined when OIDC_ISSUER is unset. */
  sso?: OidcClient;
  /** Signs channel subscriptions (and adds shared secrets) exactly as Pusher's SDK does. */
  channelSigner: Pick<Pusher, 'authorizeChannel'>;
  /** What pusher-js in the frame is told. */
  realtimeClient: RealtimeClientConfig;
  /** Where dist/ (built widget) and public/ (demo site) are. */
  distDir: string;
  publicDir: string;
  /** This instance's Prometheus metrics, served at /metrics when METRICS_TOKEN is set. */
  metrics: Metrics;
  /** Builds webhook events for the writes that cause them, and hurries their delivery (server/webhooks/). */
  webhooks: WebhookEvents;
}
