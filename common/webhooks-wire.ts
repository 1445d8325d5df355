// Webhooks (issue 18) on the wire: the events a bot's webhook may subscribe to, what the console
// sends about webhooks and what it answers about them and their delivery attempts. Requests and
// answers are zod schemas in webhooks-wire-schemas.ts, their types inferred here; the payloads a
// receiver gets are in docs/webhooks.md.
import type { z } from 'zod';
import type * as schemas from './webhooks-wire-schemas.ts';

export const WEBHOOK_EVENTS = ['handover.requested', 'handover.resolved', 'conversation.rated', 'form.submitted'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];

/** A webhook as the console lists it: never its secrets. */
export type WebhookView = z.infer<typeof schemas.webhookView>;
/** The answer to creating a webhook or rotating its secret: the new secret, shown this once. */
export type WebhookWithSecret = z.infer<typeof schemas.webhookWithSecret>;
/** One delivery attempt, as the console shows it: when, how it ended, how long it took; never the body. */
export type WebhookAttemptView = z.infer<typeof schemas.webhookAttemptView>;
/** POST /webhooks as a client sends it (`enabled` true unless given). */
export type WebhookCreateRequest = z.input<typeof schemas.webhookCreateRequest>;
export type WebhookPatchRequest = z.input<typeof schemas.webhookPatch>;
export type WebhookRotateRequest = z.input<typeof schemas.webhookRotateRequest>;
