// What webhooks keep (issue 18): each bot's webhooks (target, events, secrets), the outbox of
// deliveries owed to them, and the attempts made. `Store` extends WebhookStore, so both adapters
// implement it and webhook-contract.ts holds them to it. An event is enqueued once per event id
// (the idempotency key: enqueuing it again changes nothing), as one delivery per enabled webhook
// of its bot subscribed to its type at that moment. A finished delivery forgets its body.
//
// Events are written by the write that causes them (completeTurn, transitionHandover,
// rateHandover take them: webhook-cause-contract.ts), so a crash can lose neither one without the
// other. Every event is about a conversation: erasing it drops what it still owes.
import type { WebhookEventType } from '../../common/webhooks-wire.ts';

export interface WebhookSecret {
  /** `whsec_…`: signs deliveries (HMAC-SHA256, Standard Webhooks). */
  secret: string;
  createdAt: Date;
  /** Null for the current secret; the previous one during a rotation's overlap signs until then. */
  expiresAt: Date | null;
}

export interface Webhook {
  id: string;
  botId: string;
  url: string;
  events: WebhookEventType[];
  enabled: boolean;
  /** Newest first. */
  secrets: WebhookSecret[];
  createdAt: Date;
  updatedAt: Date;
}

export interface WebhookEvent {
  /** Unique per event, the same on every retry: the `webhook-id` header. */
  id: string;
  botId: string;
  /** The conversation it is about: its data key seals the body, and erasing it drops the delivery. */
  conversationId: string;
  type: WebhookEventType;
  /** The JSON body, exactly as it is signed and sent. */
  payload: string;
  createdAt: Date;
}

export interface WebhookDelivery {
  eventId: string;
  webhookId: string;
  botId: string;
  /** Null only for a delivery finished before deliveries named their conversation (SQLite migration 13). */
  conversationId: string | null;
  type: WebhookEventType;
  /** Null once the delivery is finished (delivered or failed). */
  payload: string | null;
  state: 'pending' | 'delivered' | 'failed';
  /** Attempts made so far. */
  attempts: number;
  /** When the next attempt is due; null once finished. */
  nextAttemptAt: Date | null;
  createdAt: Date;
}

export interface WebhookAttempt {
  eventId: string;
  webhookId: string;
  type: WebhookEventType;
  attempt: number;
  at: Date;
  status: number | null;
  durationMs: number;
  errorClass: string | null;
  outcome: 'delivered' | 'retrying' | 'failed';
}

/** What an attempt leads to: another attempt at `nextAttemptAt`, or the end of the delivery. */
export type AttemptOutcome = { outcome: 'retrying'; nextAttemptAt: Date } | { outcome: 'delivered' | 'failed' };

export interface WebhookStore {
  /** `invalid_argument` for an id already used. */
  createWebhook(webhook: Webhook): Promise<void>;
  getWebhook(id: string): Promise<Webhook | null>;
  /** Oldest first. */
  listWebhooks(bots: 'all' | string[]): Promise<Webhook[]>;
  /** Null for an unknown id. */
  updateWebhook(id: string, patch: Partial<Pick<Webhook, 'url' | 'events' | 'enabled' | 'secrets'>> & { now: Date }): Promise<Webhook | null>;
  /** Its deliveries and attempts go with it; false for an unknown id. */
  deleteWebhook(id: string): Promise<boolean>;
  /**
   * One pending delivery, due at once, per enabled webhook of the event's bot subscribed to its
   * type; the number created. An event id already enqueued creates nothing (0), and so does an
   * event about a conversation that is gone (erased before its event was written).
   */
  enqueueWebhookEvent(event: WebhookEvent): Promise<number>;
  /** Whether a delivery about the conversation is still pending (clearing a storage-off conversation keeps its key until then). */
  hasPendingWebhookDeliveries(conversationId: string): Promise<boolean>;
  /** Pending deliveries due at `now`, the longest due first, at most `limit`. */
  dueWebhookDeliveries(now: Date, limit: number): Promise<WebhookDelivery[]>;
  /**
   * Records an attempt of a pending delivery and what follows it; a finished delivery forgets its
   * body. False (nothing recorded) when the delivery is gone or no longer pending.
   */
  recordWebhookAttempt(attempt: Omit<WebhookAttempt, 'outcome' | 'type' | 'attempt'>, next: AttemptOutcome): Promise<boolean>;
  /** The webhook's attempts, newest first, at most `limit`. */
  listWebhookAttempts(webhookId: string, limit: number): Promise<WebhookAttempt[]>;
  /**
   * Forgets attempts made before `before`, and finished deliveries created before it (a pending
   * one stays, however old): the history the console shows is kept for a while, not for ever.
   * The number of attempts and deliveries removed.
   */
  pruneWebhookHistory(before: Date): Promise<number>;
}
