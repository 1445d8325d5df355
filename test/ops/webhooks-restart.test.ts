// Issue 18, webhooks: the outbox outlives the process. A delivery the receiver keeps refusing is
// pending when the server is killed (SIGKILL: no drain); the server started again on the same data
// delivers it, and the receiver acknowledges that event exactly once. The delivery and the webhook
// were written by a store without sealing (as before issue 16 reached webhooks): the start seals
// them, and the body sent is the one written.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../server/store/index.ts';
import { newWebhookSecret } from '../../server/webhooks/signing.ts';
import { webhookEventId } from '../../server/webhooks/events.ts';
import { startParley, type ParleyProcess } from '../helpers/parley-server.ts';
import { startReceiver, type Receiver } from './webhook-receiver.ts';

describe('webhooks across a crash', { timeout: 120_000 }, () => {
  let receiver: Receiver;
  let server: ParleyProcess | undefined;
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await server?.stop('SIGKILL');
    await receiver?.close();
  });

  it('a killed server restarts and delivers what was pending, once', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-webhooks-'));
    const now = new Date();
    const eventId = webhookEventId('handover.requested', 'crash-test');
    const store = await openSqliteStore(join(dataDir, 'parley.db'));
    const conversationId = 'conv-crash-test-000001';
    const payload = JSON.stringify({ type: 'handover.requested', data: { conversationId } });
    await store.createConversation({ id: conversationId, botId: 'demo', visitorId: 'v-1', origin: 'https://site.example' });
    await store.createWebhook({ id: 'hook-1', botId: 'demo', url: `${receiver.url}/crash`, events: ['handover.requested'], enabled: true, secrets: [{ secret: newWebhookSecret(), createdAt: now, expiresAt: null }], createdAt: now, updatedAt: now });
    expect(await store.enqueueWebhookEvent({ id: eventId, botId: 'demo', conversationId, type: 'handover.requested', payload, createdAt: now })).toBe(1);
    await store.close();

    const env = { DATA_DIR: dataDir, WEBHOOK_ALLOWED_TARGETS: `127.0.0.1:${receiver.port}`, WEBHOOK_RETRY_BASE: '200ms', WEBHOOK_MAX_ATTEMPTS: '20' };
    receiver.answer(() => 503);
    server = await startParley(env);
    await receiver.until((all) => all.length >= 1, 'a first, refused attempt');
    await server.stop('SIGKILL');
    const beforeRestart = receiver.received.length;
    expect(receiver.received.every((r) => r.status === 503 && r.headers['webhook-id'] === eventId)).toBe(true);

    receiver.answer(() => 204);
    server = await startParley(env);
    await receiver.until((all) => all.some((r) => r.status === 204), 'the delivery after the restart');
    // A graceful stop waits for the worker, so whatever it sent is recorded before the store is read.
    await server.stop('SIGTERM');
    server = undefined;

    const acknowledged = receiver.received.filter((r) => r.status === 204);
    expect(acknowledged).toHaveLength(1);
    expect(acknowledged[0]!.headers['webhook-id']).toBe(eventId);
    expect(acknowledged[0]!.body).toBe(payload);
    expect(receiver.received.length).toBeGreaterThan(beforeRestart);
    const reopened = await openSqliteStore(join(dataDir, 'parley.db'));
    try {
      const attempts = await reopened.listWebhookAttempts('hook-1', 100);
      expect(attempts[0]).toMatchObject({ eventId, status: 204, outcome: 'delivered' });
      expect(await reopened.dueWebhookDeliveries(new Date(Date.now() + 86_400_000), 10)).toEqual([]);
    } finally {
      await reopened.close();
    }
  });
});
