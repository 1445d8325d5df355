// Webhook events: what happened (a handover requested or resolved, a conversation rated, a form
// submitted), built here and handed to the store write that makes it happen (completeTurn,
// transitionHandover, rateHandover), which stores it with itself: no crash can keep one without
// the other. Each has an id derived from what it is about (the handover, the form's last answer),
// so writing it again (a retried request, a turn run again after a crash) adds nothing: one event,
// one delivery per webhook. The body is built here once and sent as stored, on every attempt.
import { createHash } from 'node:crypto';
import type { WebhookEventType } from '../../common/webhooks-wire.ts';
import type { WebhookEvent } from '../store/webhook-store.ts';

export interface WebhookEvents {
  /**
   * The event `type` of the conversation, for the bot's subscribed webhooks, ready for the write
   * that causes it. `about` names what it is about, once per event (`<handoverId>`,
   * `<conversationId>:<messageId>`).
   */
  event(type: WebhookEventType, botId: string, conversationId: string, about: string, data: Record<string, unknown>): WebhookEvent;
  /** A write carrying events was stored: deliver now rather than at the next scan. */
  written(): void;
}

/** `msg_` and 26 base64url characters of a hash of type and subject: the same event, the same id. */
export function webhookEventId(type: WebhookEventType, about: string): string {
  return `msg_${createHash('sha256').update(`${type}\n${about}`).digest('base64url').slice(0, 26)}`;
}

export function createWebhookEvents(clock: () => Date, written: () => void): WebhookEvents {
  return {
    event(type, botId, conversationId, about, data) {
      const createdAt = clock();
      const payload = JSON.stringify({ type, timestamp: createdAt.toISOString(), data: { bot: botId, ...data } });
      return { id: webhookEventId(type, about), botId, conversationId, type, payload, createdAt };
    },
    written,
  };
}
