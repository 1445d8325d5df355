// Standard Webhooks signing (standardwebhooks, the scheme's reference library): `webhook-id`,
// `webhook-timestamp` (seconds) and `webhook-signature`, an HMAC-SHA256 over id.timestamp.body per
// secret in force, space-separated. During a rotation's overlap the new and the previous secret
// both sign, so a receiver holding either verifies.
import { randomBytes } from 'node:crypto';
import { Webhook as Signer } from 'standardwebhooks';
import type { Webhook } from '../store/webhook-store.ts';

/** A new secret, shown to the administrator once: `whsec_` and the base64 of 32 random bytes. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** The secrets that sign at `now`: the current one, and a previous one whose overlap has not ended. */
export function signingSecrets(webhook: Pick<Webhook, 'secrets'>, now: Date): string[] {
  return webhook.secrets.filter((s) => s.expiresAt === null || s.expiresAt > now).map((s) => s.secret);
}

export function signedHeaders(secrets: string[], eventId: string, at: Date, body: string): Record<string, string> {
  return {
    'webhook-id': eventId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': secrets.map((secret) => new Signer(secret).sign(eventId, at, body)).join(' '),
  };
}
