// Webhook events: what happened (a handover requested or resolved, a conversation rated, a form
// submitted), written to the store's outbox right after the write that made it happen. Each has an
// id derived from what it is about (the handover, the form's last answer), so writing it again (a
// retried request, a turn run again after a crash) adds nothing: one event, one delivery per
// webhook. The body is built here once and sent as stored, on every attempt.
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { WebhookEventType } from '../../common/webhooks-wire.ts';
import type { Store } from '../store/store.ts';

export interface WebhookEmitter {
  /**
   * Enqueues `type` for the bot's subscribed webhooks. `about` names what the event is about, once
   * per event (`<handoverId>`, `<conversationId>:<messageId>`). Never throws: a failure is logged.
   */
  emit(type: WebhookEventType, botId: string, about: string, data: Record<string, unknown>): Promise<void>;
}

/** `msg_` and 26 base64url characters of a hash of type and subject: the same event, the same id. */
export function webhookEventId(type: WebhookEventType, about: string): string {
  return `msg_${createHash('sha256').update(`${type}\n${about}`).digest('base64url').slice(0, 26)}`;
}

export function createWebhookEmitter(deps: { store: Pick<Store, 'enqueueWebhookEvent'>; logger: Logger; clock: () => Date }, enqueued: () => void): WebhookEmitter {
  const log = deps.logger.child({ part: 'webhooks' });
  return {
    async emit(type, botId, about, data) {
      const createdAt = deps.clock();
      const id = webhookEventId(type, about);
      const payload = JSON.stringify({ type, timestamp: createdAt.toISOString(), data: { bot: botId, ...data } });
      try {
        if ((await deps.store.enqueueWebhookEvent({ id, botId, type, payload, createdAt })) > 0) enqueued();
      } catch (err) {
        log.error({ err, event: type, botId }, 'webhook event not enqueued');
      }
    },
  };
}
