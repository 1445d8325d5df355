// The webhook side of the SQLite adapter (WebhookStore, webhook-store.ts), in the tables of its
// migrations 11 and 12 (sqlite-schema.ts). Enqueuing an event is one statement that inserts a
// delivery for every subscribed webhook, skipping pairs already there, so an event id enqueued
// twice adds nothing; the writes that cause events run it inside their own transaction
// (sqliteOutbox). A delivery names its conversation, whose deletion takes it along (ON DELETE CASCADE).
import type Database from 'better-sqlite3';
import { checkDate, checkLimit, idString, textList } from './arguments.ts';
import { storeError } from './errors.ts';
import type { Webhook, WebhookAttempt, WebhookDelivery, WebhookEvent, WebhookStore } from './webhook-store.ts';
import { checkAttempt, checkEvents, checkWebhook, eventType, secretsFromJson, secretsToJson } from './webhook-arguments.ts';
import type { WebhookEventType } from '../../common/webhooks-wire.ts';

interface WebhookRow {
  id: string;
  bot_id: string;
  url: string;
  events: string;
  enabled: number;
  secrets: string;
  created_at: number;
  updated_at: number;
}
interface DeliveryRow {
  event_id: string;
  webhook_id: string;
  bot_id: string;
  conversation_id: string | null;
  type: string;
  payload: string | null;
  state: WebhookDelivery['state'];
  attempts: number;
  next_attempt_at: number | null;
  created_at: number;
}
interface AttemptRow {
  event_id: string;
  webhook_id: string;
  type: string;
  attempt: number;
  at: number;
  status: number | null;
  duration_ms: number;
  error_class: string | null;
  outcome: WebhookAttempt['outcome'];
}

const webhookFromRow = (row: WebhookRow): Webhook => ({
  id: row.id,
  botId: row.bot_id,
  url: row.url,
  events: JSON.parse(row.events) as WebhookEventType[],
  enabled: row.enabled === 1,
  secrets: secretsFromJson(row.secrets),
  createdAt: new Date(row.created_at),
  updatedAt: new Date(row.updated_at),
});

const deliveryFromRow = (row: DeliveryRow): WebhookDelivery => ({
  eventId: row.event_id,
  webhookId: row.webhook_id,
  botId: row.bot_id,
  conversationId: row.conversation_id,
  type: eventType(row.type),
  payload: row.payload,
  state: row.state,
  attempts: row.attempts,
  nextAttemptAt: row.next_attempt_at === null ? null : new Date(row.next_attempt_at),
  createdAt: new Date(row.created_at),
});

const attemptFromRow = (row: AttemptRow): WebhookAttempt => ({
  eventId: row.event_id,
  webhookId: row.webhook_id,
  type: eventType(row.type),
  attempt: row.attempt,
  at: new Date(row.at),
  status: row.status,
  durationMs: row.duration_ms,
  errorClass: row.error_class,
  outcome: row.outcome,
});

/**
 * Enqueues events (synchronously, so the writes that cause them call it inside their own
 * transaction): one delivery per enabled subscribed webhook of the bot, none for an event id
 * already enqueued or a conversation that is gone. The number of deliveries made.
 */
export function sqliteOutbox(db: Database.Database): (events: readonly WebhookEvent[] | undefined) => number {
  const enqueue = db.prepare<{ eventId: string; botId: string; conversationId: string; type: string; payload: string; createdAt: number }>(
    `INSERT INTO webhook_deliveries (event_id, webhook_id, bot_id, conversation_id, type, payload, state, attempts, next_attempt_at, created_at)
     SELECT @eventId, w.id, @botId, @conversationId, @type, @payload, 'pending', 0, @createdAt, @createdAt FROM webhooks w, json_each(w.events) e
     WHERE w.bot_id = @botId AND w.enabled = 1 AND e.value = @type AND EXISTS (SELECT 1 FROM conversations c WHERE c.id = @conversationId)
     ON CONFLICT (event_id, webhook_id) DO NOTHING`,
  );
  return (events) => {
    let made = 0;
    for (const e of checkEvents(events)) {
      made += enqueue.run({ eventId: e.id, botId: e.botId, conversationId: e.conversationId, type: e.type, payload: e.payload, createdAt: e.createdAt.getTime() }).changes;
    }
    return made;
  };
}

export function sqliteWebhooks(db: Database.Database): WebhookStore {
  const enqueue = sqliteOutbox(db);
  const sql = {
    insert: db.prepare(
      `INSERT INTO webhooks (id, bot_id, url, events, enabled, secrets, created_at, updated_at)
       VALUES (@id, @botId, @url, @events, @enabled, @secrets, @createdAt, @updatedAt)`,
    ),
    get: db.prepare<[string], WebhookRow>('SELECT * FROM webhooks WHERE id = ?'),
    all: db.prepare<[], WebhookRow>('SELECT * FROM webhooks ORDER BY created_at, id'),
    update: db.prepare(
      'UPDATE webhooks SET url = @url, events = @events, enabled = @enabled, secrets = @secrets, updated_at = @updatedAt WHERE id = @id',
    ),
    remove: db.prepare<[string]>('DELETE FROM webhooks WHERE id = ?'),
    pendingOf: db.prepare<[string], { one: number }>(`SELECT 1 AS one FROM webhook_deliveries WHERE conversation_id = ? AND state = 'pending' LIMIT 1`),
    due: db.prepare<[number, number], DeliveryRow>(
      `SELECT * FROM webhook_deliveries WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, event_id, webhook_id LIMIT ?`,
    ),
    delivery: db.prepare<[string, string], DeliveryRow>('SELECT * FROM webhook_deliveries WHERE event_id = ? AND webhook_id = ?'),
    advance: db.prepare<{ eventId: string; webhookId: string; state: string; nextAttemptAt: number | null }>(
      `UPDATE webhook_deliveries SET attempts = attempts + 1, state = @state, next_attempt_at = @nextAttemptAt,
       payload = CASE WHEN @state = 'pending' THEN payload ELSE NULL END
       WHERE event_id = @eventId AND webhook_id = @webhookId AND state = 'pending'`,
    ),
    addAttempt: db.prepare(
      `INSERT INTO webhook_attempts (event_id, webhook_id, type, attempt, at, status, duration_ms, error_class, outcome)
       VALUES (@eventId, @webhookId, @type, @attempt, @at, @status, @durationMs, @errorClass, @outcome)`,
    ),
    pruneAttempts: db.prepare<[number]>('DELETE FROM webhook_attempts WHERE at < ?'),
    pruneDeliveries: db.prepare<[number]>(`DELETE FROM webhook_deliveries WHERE state != 'pending' AND created_at < ?`),
    attempts: db.prepare<[string, number], AttemptRow>('SELECT * FROM webhook_attempts WHERE webhook_id = ? ORDER BY at DESC, attempt DESC LIMIT ?'),
  };

  const row = (w: Webhook) => ({
    id: w.id,
    botId: w.botId,
    url: w.url,
    events: JSON.stringify(w.events),
    enabled: w.enabled ? 1 : 0,
    secrets: secretsToJson(w.secrets),
    createdAt: w.createdAt.getTime(),
    updatedAt: w.updatedAt.getTime(),
  });

  const record = db.transaction((attempt: ReturnType<typeof checkAttempt>): boolean => {
    const delivery = sql.delivery.get(attempt.eventId, attempt.webhookId);
    if (!delivery || delivery.state !== 'pending') return false;
    const state = attempt.outcome === 'retrying' ? 'pending' : attempt.outcome;
    sql.advance.run({ eventId: attempt.eventId, webhookId: attempt.webhookId, state, nextAttemptAt: attempt.nextAttemptAt?.getTime() ?? null });
    sql.addAttempt.run({ ...attempt, type: delivery.type, attempt: delivery.attempts + 1, at: attempt.at.getTime() });
    return true;
  });

  return {
    async createWebhook(webhook) {
      try {
        sql.insert.run(row(checkWebhook(webhook)));
      } catch (err) {
        if (err instanceof Error && 'code' in err && String(err.code).startsWith('SQLITE_CONSTRAINT')) throw storeError('invalid_argument', 'webhook id already used');
        throw err;
      }
    },
    async getWebhook(id) {
      const found = sql.get.get(idString(id));
      return found ? webhookFromRow(found) : null;
    },
    async listWebhooks(bots) {
      const wanted = bots === 'all' ? null : new Set(textList('bots', bots));
      return sql.all.all().filter((r) => !wanted || wanted.has(r.bot_id)).map(webhookFromRow);
    },
    async updateWebhook(id, patch) {
      const found = sql.get.get(idString(id));
      if (!found) return null;
      const current = webhookFromRow(found);
      const { now, ...changes } = patch;
      const next = checkWebhook({ ...current, ...changes, id: current.id, updatedAt: checkDate('now', now) });
      sql.update.run(row(next));
      return next;
    },
    async deleteWebhook(id) {
      return sql.remove.run(idString(id)).changes > 0;
    },
    async enqueueWebhookEvent(event) {
      return enqueue([event]);
    },
    async hasPendingWebhookDeliveries(conversationId) {
      return sql.pendingOf.get(idString(conversationId)) !== undefined;
    },
    async dueWebhookDeliveries(now, limit) {
      return sql.due.all(checkDate('now', now).getTime(), checkLimit(limit)).map(deliveryFromRow);
    },
    async recordWebhookAttempt(attempt, next) {
      return record(checkAttempt(attempt, next));
    },
    async listWebhookAttempts(webhookId, limit) {
      return sql.attempts.all(idString(webhookId), checkLimit(limit)).map(attemptFromRow);
    },
    async pruneWebhookHistory(before) {
      const at = checkDate('before', before).getTime();
      return sql.pruneAttempts.run(at).changes + sql.pruneDeliveries.run(at).changes;
    },
  };
}
