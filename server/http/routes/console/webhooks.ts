// A bot's webhooks (common/webhooks-wire.ts), for `bots.settings` (administrators): list, create
// (the secret is in the answer, this once), change target, events or enabled, rotate the secret
// (the previous one keeps signing during the overlap asked for), delete, and read the delivery
// attempts. Every change is audited with what changed, never a secret. A target the address policy
// refuses outright (a loopback, private or link-local IP, `localhost`) is a 400 here; a name that
// resolves to such an address is refused at each delivery (server/webhooks/guarded-lookup.ts).
import type { Context, Middleware } from 'koa';
import createError from 'http-errors';
import type { WebhookAttemptView, WebhookView, WebhookWithSecret } from '../../../../common/webhooks-wire.ts';
import type { Webhook } from '../../../store/webhook-store.ts';
import type { AppDeps } from '../../deps.ts';
import { newId } from '../../../chat/ids.ts';
import { hostPort, targetRefusal } from '../../../webhooks/guarded-lookup.ts';
import { newWebhookSecret } from '../../../webhooks/signing.ts';
import type { WebhookCreateInput, WebhookPatchInput, WebhookRotateInput } from '../../../../common/webhooks-wire-schemas.ts';
import { audit } from './state.ts';

const ATTEMPTS_SHOWN = 100;

export function webhookView(webhook: Webhook, now: Date): WebhookView {
  const previous = webhook.secrets.find((s) => s.expiresAt !== null && s.expiresAt > now);
  return {
    id: webhook.id,
    bot: webhook.botId,
    url: webhook.url,
    events: webhook.events,
    enabled: webhook.enabled,
    signingSecrets: previous ? 2 : 1,
    previousSecretUntil: previous?.expiresAt?.toISOString() ?? null,
    createdAt: webhook.createdAt.toISOString(),
    updatedAt: webhook.updatedAt.toISOString(),
  };
}

function checkTarget(deps: AppDeps, url: string): void {
  const allowed = new Set(deps.config.webhooks.allowedTargets.map((entry) => hostPort(new URL(`http://${entry}`))));
  const refusal = targetRefusal(new URL(url), allowed);
  if (refusal) throw createError(400, `This target is not allowed: ${refusal}`, { code: 'invalid_request' });
}

async function webhookOf(deps: AppDeps, ctx: Context): Promise<Webhook> {
  const webhook = await deps.store.getWebhook(String(ctx.params.id));
  if (!webhook) throw createError(404, 'No such webhook', { code: 'not_found' });
  return webhook;
}

/** What a target looks like in the audit log: scheme, host and port, never a path or query (they may hold a token). */
const targetOf = (url: string) => `${new URL(url).protocol}//${new URL(url).host}`;

export function listWebhooks(deps: AppDeps): Middleware {
  return async (ctx) => {
    const now = new Date();
    ctx.body = { webhooks: (await deps.store.listWebhooks('all')).map((w) => webhookView(w, now)) };
  };
}

export function createWebhook(deps: AppDeps): Middleware {
  return async (ctx) => {
    const input = ctx.state.input as WebhookCreateInput;
    if (!deps.engine.profile(input.bot)) throw createError(400, 'No such bot', { code: 'unknown_bot' });
    checkTarget(deps, input.url);
    const now = new Date();
    const secret = newWebhookSecret();
    const webhook: Webhook = { id: newId(), botId: input.bot, url: input.url, events: [...new Set(input.events)], enabled: input.enabled, secrets: [{ secret, createdAt: now, expiresAt: null }], createdAt: now, updatedAt: now };
    await deps.store.createWebhook(webhook);
    await audit(ctx, deps.store, { action: 'webhook.create', target: webhook.id, outcome: 'ok', details: { bot: webhook.botId, target: targetOf(webhook.url), events: webhook.events.join(' '), enabled: webhook.enabled } });
    ctx.status = 201;
    ctx.body = { webhook: webhookView(webhook, now), secret } satisfies WebhookWithSecret;
  };
}

export function patchWebhook(deps: AppDeps): Middleware {
  return async (ctx) => {
    const before = await webhookOf(deps, ctx);
    const input = ctx.state.input as WebhookPatchInput;
    if (input.url !== undefined) checkTarget(deps, input.url);
    const now = new Date();
    const after = await deps.store.updateWebhook(before.id, { ...input, ...(input.events ? { events: [...new Set(input.events)] } : {}), now });
    if (!after) throw createError(404, 'No such webhook', { code: 'not_found' });
    const details: Record<string, string | boolean> = { bot: after.botId };
    if (input.url !== undefined && input.url !== before.url) Object.assign(details, { 'target.before': targetOf(before.url), 'target.after': targetOf(after.url) });
    if (input.events !== undefined) Object.assign(details, { 'events.before': before.events.join(' '), 'events.after': after.events.join(' ') });
    if (input.enabled !== undefined) Object.assign(details, { 'enabled.before': before.enabled, 'enabled.after': after.enabled });
    await audit(ctx, deps.store, { action: 'webhook.change', target: after.id, outcome: 'ok', details });
    ctx.body = { webhook: webhookView(after, now) };
  };
}

export function rotateWebhookSecret(deps: AppDeps): Middleware {
  return async (ctx) => {
    const webhook = await webhookOf(deps, ctx);
    const { overlapMinutes } = ctx.state.input as WebhookRotateInput;
    const now = new Date();
    const secret = newWebhookSecret();
    const current = webhook.secrets.find((s) => s.expiresAt === null);
    // The new secret and the one it replaces, until the overlap ends; older ones stop now.
    const secrets = [{ secret, createdAt: now, expiresAt: null }, ...(current && overlapMinutes > 0 ? [{ ...current, expiresAt: new Date(now.getTime() + overlapMinutes * 60_000) }] : [])];
    const rotated = await deps.store.updateWebhook(webhook.id, { secrets, now });
    if (!rotated) throw createError(404, 'No such webhook', { code: 'not_found' });
    await audit(ctx, deps.store, { action: 'webhook.rotate', target: webhook.id, outcome: 'ok', details: { bot: webhook.botId, overlapMinutes } });
    ctx.body = { webhook: webhookView(rotated, now), secret } satisfies WebhookWithSecret;
  };
}

export function deleteWebhook(deps: AppDeps): Middleware {
  return async (ctx) => {
    const webhook = await webhookOf(deps, ctx);
    await deps.store.deleteWebhook(webhook.id);
    await audit(ctx, deps.store, { action: 'webhook.delete', target: webhook.id, outcome: 'ok', details: { bot: webhook.botId, target: targetOf(webhook.url) } });
    ctx.status = 204;
  };
}

export function listWebhookAttempts(deps: AppDeps): Middleware {
  return async (ctx) => {
    const webhook = await webhookOf(deps, ctx);
    const attempts = await deps.store.listWebhookAttempts(webhook.id, ATTEMPTS_SHOWN);
    ctx.body = {
      attempts: attempts.map(
        (a): WebhookAttemptView => ({ eventId: a.eventId, event: a.type, attempt: a.attempt, at: a.at.toISOString(), status: a.status, durationMs: a.durationMs, errorClass: a.errorClass, outcome: a.outcome }),
      ),
    };
  };
}
