// The webhook store's own argument checks (both adapters), and the JSON form of a webhook's secrets.
import { WEBHOOK_EVENTS, type WebhookEventType } from '../../common/webhooks-wire.ts';
import { checkCount, checkDate, flag, idString, nullableDate, oneOf, text } from './arguments.ts';
import type { AttemptOutcome, Webhook, WebhookAttempt, WebhookEvent, WebhookSecret } from './webhook-store.ts';

export const eventType = (value: string): WebhookEventType => oneOf('webhook event', WEBHOOK_EVENTS, value as WebhookEventType);

export function checkSecrets(secrets: WebhookSecret[]): WebhookSecret[] {
  return secrets.map((s) => ({ secret: text(s.secret), createdAt: checkDate('createdAt', s.createdAt), expiresAt: nullableDate('expiresAt', s.expiresAt) }));
}

export function secretsToJson(secrets: WebhookSecret[]): string {
  return JSON.stringify(checkSecrets(secrets).map((s) => ({ secret: s.secret, createdAt: s.createdAt.getTime(), expiresAt: s.expiresAt?.getTime() ?? null })));
}

export function secretsFromJson(json: string): WebhookSecret[] {
  return (JSON.parse(json) as Array<{ secret: string; createdAt: number; expiresAt: number | null }>).map((s) => ({
    secret: s.secret,
    createdAt: new Date(s.createdAt),
    expiresAt: s.expiresAt === null ? null : new Date(s.expiresAt),
  }));
}

export function checkWebhook(webhook: Webhook): Webhook {
  return {
    id: idString(webhook.id),
    botId: idString(webhook.botId),
    url: text(webhook.url),
    events: webhook.events.map(eventType),
    enabled: flag('enabled', webhook.enabled),
    secrets: checkSecrets(webhook.secrets),
    createdAt: checkDate('createdAt', webhook.createdAt),
    updatedAt: checkDate('updatedAt', webhook.updatedAt),
  };
}

export function checkEvent(event: WebhookEvent): WebhookEvent {
  return {
    id: idString(event.id),
    botId: idString(event.botId),
    conversationId: idString(event.conversationId),
    type: eventType(event.type),
    payload: text(event.payload),
    createdAt: checkDate('createdAt', event.createdAt),
  };
}

/** The events a write carries, checked before anything of the write is done. */
export const checkEvents = (events: readonly WebhookEvent[] | undefined): WebhookEvent[] => (events ?? []).map(checkEvent);

export function checkAttempt(attempt: Omit<WebhookAttempt, 'outcome' | 'type' | 'attempt'>, next: AttemptOutcome) {
  return {
    eventId: idString(attempt.eventId),
    webhookId: idString(attempt.webhookId),
    at: checkDate('at', attempt.at),
    status: attempt.status === null ? null : checkCount('status', attempt.status),
    durationMs: checkCount('durationMs', Math.round(attempt.durationMs)),
    errorClass: attempt.errorClass === null ? null : text(attempt.errorClass),
    outcome: oneOf('outcome', ['delivered', 'retrying', 'failed'], next.outcome),
    nextAttemptAt: next.outcome === 'retrying' ? checkDate('nextAttemptAt', next.nextAttemptAt) : null,
  };
}
