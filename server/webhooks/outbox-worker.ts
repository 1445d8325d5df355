// Delivers the store's webhook outbox, on one instance at a time: the worker holds the store lease
// `webhooks` while it scans and delivers, so two instances never send one delivery twice. A
// delivery that fails is due again after an exponential back-off (retryBase, 2×, 4×… up to
// MAX_BACKOFF_MS, plus up to a tenth more so retries of many deliveries spread out) until
// maxAttempts; a target refused by the address policy fails at once. Every attempt is recorded
// (time, status, duration, error class: never the body). A server killed mid-way leaves its
// deliveries pending in the store, and whichever instance holds the lease next sends them.
import type { Logger } from 'pino';
import { instanceId } from '../instance.ts';
import type { Store } from '../store/store.ts';
import type { WebhookDelivery } from '../store/webhook-store.ts';
import type { Metrics } from '../metrics/metrics.ts';
import { startPeriodicJob, type PeriodicJob } from '../periodic-job.ts';
import { postWebhook, type PostOptions } from './post.ts';
import { signedHeaders, signingSecrets } from './signing.ts';

const MAX_BACKOFF_MS = 6 * 3_600_000;
/** How long the console can show attempts and finished deliveries; pruned at most once an hour. */
export const WEBHOOK_HISTORY_MS = 30 * 86_400_000;
const PRUNE_EVERY_MS = 3_600_000;
/** Deliveries sent at once per scan. */
const BATCH = 20;

export interface WebhookWorkerOptions extends PostOptions {
  retryBaseMs: number;
  maxAttempts: number;
  scanIntervalMs: number;
}

export interface WebhookWorkerDeps {
  store: Store;
  logger: Logger;
  metrics: Pick<Metrics, 'webhookDeliveries' | 'webhookDeliveryDuration'>;
  clock: () => Date;
}

export interface WebhookWorker {
  /** Something was enqueued: scan now rather than at the next tick. */
  kick(): void;
  /** Stops scanning; resolves once the deliveries under way are recorded and the lease is given back. */
  stop(): Promise<void>;
}

export function backoffMs(retryBaseMs: number, attemptsMade: number, jitter = Math.random()): number {
  return Math.min(MAX_BACKOFF_MS, retryBaseMs * 2 ** (attemptsMade - 1)) * (1 + jitter / 10);
}

export function startWebhookWorker(deps: WebhookWorkerDeps, opts: WebhookWorkerOptions): WebhookWorker {
  const { store, metrics } = deps;
  const log = deps.logger.child({ part: 'webhooks' });
  // Outlives a whole batch (sent side by side, each within the timeout) several times over.
  const leaseMs = Math.max(30_000, 3 * opts.timeoutMs);

  async function deliver(delivery: WebhookDelivery): Promise<void> {
    const webhook = await store.getWebhook(delivery.webhookId);
    if (!webhook || delivery.payload === null) return;
    if (!webhook.enabled) {
      // Disabled since the event was written: what it still owed is given up, not sent later by surprise.
      await store.recordWebhookAttempt({ eventId: delivery.eventId, webhookId: delivery.webhookId, at: new Date(), status: null, durationMs: 0, errorClass: 'disabled' }, { outcome: 'failed' });
      return;
    }
    // Signed with the real time, which the receiver compares with its own; scheduled by the
    // server's clock, the one events are stamped with (a test's, moved instead of waiting).
    const at = new Date();
    const secrets = signingSecrets(webhook, at);
    const result = await postWebhook(webhook.url, signedHeaders(secrets, delivery.eventId, at, delivery.payload), delivery.payload, opts);
    const now = deps.clock();
    const attempts = delivery.attempts + 1;
    const outcome =
      result.errorClass === null
        ? ({ outcome: 'delivered' } as const)
        : result.errorClass === 'refused_target' || attempts >= opts.maxAttempts
          ? ({ outcome: 'failed' } as const)
          : ({ outcome: 'retrying', nextAttemptAt: new Date(now.getTime() + backoffMs(opts.retryBaseMs, attempts)) } as const);
    const labels = { event: delivery.type, result: outcome.outcome };
    metrics.webhookDeliveries.inc(labels);
    metrics.webhookDeliveryDuration.observe(labels, result.durationMs / 1000);
    if (outcome.outcome === 'failed') log.warn({ webhookId: webhook.id, event: delivery.type, errorClass: result.errorClass, status: result.status, attempts }, 'webhook delivery failed for good');
    await store.recordWebhookAttempt({ eventId: delivery.eventId, webhookId: delivery.webhookId, at, status: result.status, durationMs: result.durationMs, errorClass: result.errorClass }, outcome);
  }

  let prunedAt = 0;
  const scan = async (): Promise<void> => {
    for (;;) {
      const now = Date.now();
      if (!(await store.lease('webhooks', instanceId, now, now + leaseMs))) return;
      if (now - prunedAt > PRUNE_EVERY_MS) {
        prunedAt = now;
        await store.pruneWebhookHistory(new Date(deps.clock().getTime() - WEBHOOK_HISTORY_MS));
      }
      const due = await store.dueWebhookDeliveries(deps.clock(), BATCH);
      await Promise.all(due.map((d) => deliver(d).catch((err: unknown) => log.error({ err, webhookId: d.webhookId }, 'webhook delivery not recorded'))));
      if (due.length < BATCH) return;
    }
  };

  const job: PeriodicJob<void> = startPeriodicJob(scan, opts.scanIntervalMs, (err) => log.error({ err }, 'webhook scan failed'));
  let kicked: Promise<void> | undefined;
  return {
    kick() {
      // One extra scan queued behind the one under way is enough for any number of kicks.
      kicked ??= job.runOnce().catch((err: unknown) => log.error({ err }, 'webhook scan failed')).finally(() => (kicked = undefined));
    },
    async stop() {
      await job.stop();
      await kicked;
      await store.release('webhooks', instanceId).catch(() => undefined);
    },
  };
}
