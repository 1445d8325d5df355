// Webhooks (issue 18) on the wire: the events a bot's webhook may subscribe to, and what the
// console API answers about webhooks and their delivery attempts. The request bodies are zod
// schemas in server/http/routes/console/schemas.ts; the payloads a receiver gets are in docs/webhooks.md.

export const WEBHOOK_EVENTS = ['handover.requested', 'handover.resolved', 'conversation.rated', 'form.submitted'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];

/** A webhook as the console lists it: never its secrets. */
export interface WebhookView {
  id: string;
  bot: string;
  url: string;
  events: WebhookEventType[];
  enabled: boolean;
  /** How many secrets sign each delivery now: 2 during a rotation's overlap, else 1. */
  signingSecrets: number;
  /** When the previous secret stops signing, during a rotation's overlap; else null. */
  previousSecretUntil: string | null;
  createdAt: string;
  updatedAt: string;
}

/** The answer to creating a webhook or rotating its secret: the new secret, shown this once. */
export interface WebhookWithSecret {
  webhook: WebhookView;
  /** `whsec_` and the base64 of 32 random bytes, as Standard Webhooks libraries take it. */
  secret: string;
}

/** One delivery attempt, as the console shows it: when, how it ended, how long it took; never the body. */
export interface WebhookAttemptView {
  /** The event's id: the `webhook-id` header the receiver got. */
  eventId: string;
  event: WebhookEventType;
  /** 1 for the first attempt of a delivery, 2 for its first retry… */
  attempt: number;
  at: string;
  /** The receiver's HTTP status; null when none came (refused, timed out, connection failed). */
  status: number | null;
  durationMs: number;
  /** Why an attempt failed, as a class (`http_status`, `redirect`, `timeout`, `dns`, `tls`, `connection`, `refused_target`, or `disabled`: the webhook was disabled with the delivery still owed); null for a success. */
  errorClass: string | null;
  /** What became of the delivery after this attempt. */
  outcome: 'delivered' | 'retrying' | 'failed';
}
