// Mongoose schemas of webhooks (mongo-webhooks.ts): the targets, the outbox and the attempts. A
// delivery's `_id` is `<eventId>|<webhookId>` and an attempt's `<eventId>|<webhookId>|<n>`: the
// unique `_id` is the idempotency key, on MongoDB and FerretDB alike (no transactions needed).
import { Schema, type Connection } from 'mongoose';
import { WEBHOOK_EVENTS, type WebhookEventType } from '../../common/webhooks-wire.ts';
import type { WebhookAttempt, WebhookDelivery, WebhookEvent } from './webhook-store.ts';

const schemaOptions = { versionKey: false, strict: 'throw', strictQuery: 'throw' } as const;

export interface WebhookDoc {
  _id: string;
  botId: string;
  url: string;
  events: WebhookEventType[];
  enabled: boolean;
  /** JSON text (webhook-arguments.ts secretsToJson), newest first. */
  secrets: string;
  createdAt: Date;
  updatedAt: Date;
}
const webhookSchema = new Schema<WebhookDoc>(
  {
    _id: { type: String },
    botId: { type: String },
    url: { type: String },
    events: { type: [String], enum: WEBHOOK_EVENTS },
    enabled: { type: Boolean },
    secrets: { type: String },
    createdAt: { type: Date },
    updatedAt: { type: Date },
  },
  schemaOptions,
);
webhookSchema.index({ botId: 1, createdAt: 1 });

/**
 * Webhook events carried by the document whose write caused them (a conversation's turn "done"
 * update, a handover's transition or rating, a transition marker): written in that one update,
 * then moved into the outbox and pulled out (mongo-outbox.ts). Absent when there are none.
 */
const carriedEventSchema = new Schema<WebhookEvent>(
  {
    id: { type: String },
    botId: { type: String },
    conversationId: { type: String },
    type: { type: String, enum: WEBHOOK_EVENTS },
    payload: { type: String },
    createdAt: { type: Date },
  },
  { _id: false, ...schemaOptions },
);
export const carriedEvents = { type: [carriedEventSchema], default: undefined };
export interface CarriedEvents {
  webhookOutbox?: WebhookEvent[];
}

/** A delivery as the store defines it (webhook-store.ts), under its `<eventId>|<webhookId>` id. */
export type WebhookDeliveryDoc = WebhookDelivery & { _id: string };
const deliverySchema = new Schema<WebhookDeliveryDoc>(
  {
    _id: { type: String },
    eventId: { type: String },
    webhookId: { type: String },
    botId: { type: String },
    // Null on deliveries from before it was kept (mongo-rows.ts fills it in from the body).
    conversationId: { type: String, default: null },
    type: { type: String, enum: WEBHOOK_EVENTS },
    payload: { type: String, default: null },
    state: { type: String, enum: ['pending', 'delivered', 'failed'] },
    attempts: { type: Number },
    nextAttemptAt: { type: Date, default: null },
    createdAt: { type: Date },
  },
  schemaOptions,
);
deliverySchema.index({ state: 1, nextAttemptAt: 1 });
deliverySchema.index({ webhookId: 1 });
// Erasure drops what a conversation still owes.
deliverySchema.index({ conversationId: 1, state: 1 });

/** An attempt as the store defines it, under its `<eventId>|<webhookId>|<n>` id. */
export type WebhookAttemptDoc = WebhookAttempt & { _id: string };
const attemptSchema = new Schema<WebhookAttemptDoc>(
  {
    _id: { type: String },
    eventId: { type: String },
    webhookId: { type: String },
    type: { type: String, enum: WEBHOOK_EVENTS },
    attempt: { type: Number },
    at: { type: Date },
    status: { type: Number, default: null },
    durationMs: { type: Number },
    errorClass: { type: String, default: null },
    outcome: { type: String, enum: ['delivered', 'retrying', 'failed'] },
  },
  schemaOptions,
);
attemptSchema.index({ webhookId: 1, at: -1 });

export function defineWebhookModels(conn: Connection) {
  return {
    webhooks: conn.model<WebhookDoc>('Webhook', webhookSchema, 'webhooks'),
    webhookDeliveries: conn.model<WebhookDeliveryDoc>('WebhookDelivery', deliverySchema, 'webhook_deliveries'),
    webhookAttempts: conn.model<WebhookAttemptDoc>('WebhookAttempt', attemptSchema, 'webhook_attempts'),
  };
}
