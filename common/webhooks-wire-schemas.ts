// Webhooks' requests and answers (webhooks-wire.ts) as zod schemas: the one source of their
// TypeScript types, of the server's validation and of the OpenAPI document. Apart from
// webhooks-wire.ts so that the console, which imports its constants, never bundles zod.
import { z } from 'zod';
import { WEBHOOK_EVENTS } from './webhooks-wire.ts';
import { botId, isoInstant } from './wire-schemas.ts';

export const webhookView = z
  .object({
    id: z.string(),
    bot: z.string(),
    url: z.string(),
    events: z.array(z.enum(WEBHOOK_EVENTS)),
    enabled: z.boolean(),
    /** How many secrets sign each delivery now: 2 during a rotation's overlap, else 1. */
    signingSecrets: z.number().int().min(1).max(2),
    /** When the previous secret stops signing, during a rotation's overlap; else null. */
    previousSecretUntil: isoInstant.nullable(),
    createdAt: isoInstant,
    updatedAt: isoInstant,
  })
  .meta({ id: 'WebhookView', description: 'A webhook as the console lists it: never its secrets.' });

export const webhookList = z.object({ webhooks: z.array(webhookView) }).meta({ id: 'WebhookList' });

export const webhookAnswer = z.object({ webhook: webhookView }).meta({ id: 'WebhookAnswer' });

export const webhookWithSecret = z
  .object({
    webhook: webhookView,
    /** `whsec_` and the base64 of 32 random bytes, as Standard Webhooks libraries take it. */
    secret: z.string(),
  })
  .meta({ id: 'WebhookWithSecret', description: 'The new secret, shown this once.' });

export const webhookAttemptView = z
  .object({
    /** The event's id: the `webhook-id` header the receiver got. */
    eventId: z.string(),
    event: z.enum(WEBHOOK_EVENTS),
    /** 1 for the first attempt of a delivery, 2 for its first retry… */
    attempt: z.number().int().min(1),
    at: isoInstant,
    /** The receiver's HTTP status; null when none came (refused, timed out, connection failed). */
    status: z.number().int().nullable(),
    durationMs: z.number().min(0),
    /** Why an attempt failed, as a class (`http_status`, `redirect`, `timeout`, `dns`, `tls`, `connection`, `refused_target`, `disabled`; `erased` or `tampered` when the body no longer opens); null for a success. */
    errorClass: z.string().nullable(),
    /** What became of the delivery after this attempt. */
    outcome: z.enum(['delivered', 'retrying', 'failed']),
  })
  .meta({ id: 'WebhookAttemptView', description: 'One delivery attempt: never the body.' });

export const webhookAttempts = z.object({ attempts: z.array(webhookAttemptView) }).meta({ id: 'WebhookAttempts' });

// Requests. The address policy (server/webhooks/) answers for the target itself: these check the shape.
const webhookUrl = z
  .url({ protocol: /^https?$/, error: 'expected an http or https URL' })
  .max(2048)
  .refine((u) => !/[\s]/.test(u), 'expected an http or https URL');
const webhookEvents = z.array(z.enum(WEBHOOK_EVENTS)).min(1, 'expected at least one event').max(WEBHOOK_EVENTS.length);
export const webhookCreateRequest = z.strictObject({
  bot: botId,
  url: webhookUrl,
  events: webhookEvents,
  enabled: z.boolean().default(true),
});
export const webhookPatch = z
  .strictObject({ url: webhookUrl.optional(), events: webhookEvents.optional(), enabled: z.boolean().optional() })
  .refine((p) => Object.keys(p).length > 0, 'expected url, events or enabled');
/** How long the previous secret keeps signing after a rotation, in minutes (0: it stops at once; at most a week). */
export const webhookRotateRequest = z.strictObject({ overlapMinutes: z.number().int().min(0).max(10_080).default(1440) });

export type WebhookCreateInput = z.output<typeof webhookCreateRequest>;
export type WebhookPatchInput = z.output<typeof webhookPatch>;
export type WebhookRotateInput = z.output<typeof webhookRotateRequest>;
