// Issue 18, webhooks: the outbox outlives the process. A delivery the receiver keeps refusing is
// pending when the server is killed (SIGKILL: no drain); the server started again on the same data
// delivers it, and the receiver acknowledges that event exactly once. And an event outlives a kill
// right after its cause: forms submitted by turns the store has completed, killed while the turns
// still publish their replies (a slow relay holds each publish), are each delivered once after
// the restart. The delivery and the webhook
// were written by a store without sealing (as before issue 16 reached webhooks): the start seals
// them, and the body sent is the one written.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../server/store/index.ts';
import { newWebhookSecret } from '../../server/webhooks/signing.ts';
import { webhookEventId } from '../../server/webhooks/events.ts';
import { startParley, type ParleyProcess } from '../helpers/parley-server.ts';
import { startReceiver, typeOf, type Receiver } from './webhook-receiver.ts';
import { deploymentSecrets } from '../helpers/deployment-secrets.ts';
import { startRecordingProxy, type RecordingProxy } from '../encryption/recording-proxy.ts';
import { call, openSession, sendAndWait } from '../helpers/visitor-api.ts';
import { pollUntil } from '../helpers/poll.ts';
import type { SessionResponse } from '../../common/wire.ts';
import { madeTempDir } from '../helpers/temp-dirs.ts';

const FORMS = 6;

function pendingTurnsOnDisk(dataDir: string): number {
  // Not readonly: after a crash the pending rows may be only in the WAL, which a reader must be able to recover.
  const db = new Database(join(dataDir, 'parley.db'));
  try {
    return db.prepare<[], { n: number }>('SELECT count(*) AS n FROM messages WHERE turn IS NOT NULL').get()!.n;
  } finally {
    db.close();
  }
}

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
    const dataDir = madeTempDir('parley-webhooks-');
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

  it('kill -9 right after turns completed forms, their replies still being published: each form.submitted is delivered once after the restart', async () => {
    const dataDir = madeTempDir('parley-webhooks-kill-');
    const now = new Date();
    const store = await openSqliteStore(join(dataDir, 'parley.db'));
    await store.createWebhook({ id: 'hook-forms', botId: 'demo', url: `${receiver.url}/forms`, events: ['form.submitted'], enabled: true, secrets: [{ secret: newWebhookSecret(), createdAt: now, expiresAt: null }], createdAt: now, updatedAt: now });
    await store.close();
    receiver.answer(() => 204);
    const relays: RecordingProxy[] = [];
    const withRelay = async (delayMs: number) => {
      const relay = await startRecordingProxy({ delayMs });
      relays.push(relay);
      const env = { ...deploymentSecrets('webhooks-kill'), DATA_DIR: dataDir, TURN_SCAN_INTERVAL: '200ms', RATE_SESSIONS_PER_IP: '100000', WEBHOOK_ALLOWED_TARGETS: `127.0.0.1:${receiver.port}` };
      return startParley({ ...env, REALTIME: 'pusher', PUSHER_HOST: relay.host, PUSHER_PORT: String(relay.port), PUSHER_USE_TLS: 'false' });
    };
    try {
      // Each visitor fills in the demo booking up to its last question.
      server = await withRelay(0);
      const sessions: SessionResponse[] = [];
      for (let i = 0; i < FORMS; i++) {
        const session = await openSession(server.url);
        for (const [n, text] of ['I want to book a demo', `Visitor ${i}`, `visitor${i}@example.org`].entries()) await sendAndWait(server.url, session.token, `f${i}-${n}`, text);
        sessions.push(session);
      }
      await server.stop('SIGTERM');

      // Every publish now takes 10 s: the last answers' turns complete in the store, then publish.
      server = await withRelay(10_000);
      const first = server;
      for (const [i, session] of sessions.entries()) {
        expect((await call(first.url, '/api/v1/messages', { token: session.token, json: { clientId: `f${i}-last`, action: 'choice:6-20' } })).status).toBe(202);
      }
      await pollUntil(async () => pendingTurnsOnDisk(dataDir), (n) => n === 0, 'every form turn completed', 30_000);
      await first.stop('SIGKILL');

      server = await withRelay(0);
      const forms = (all: typeof receiver.received) => all.filter((r) => r.path === '/hooks/forms' && typeOf(r) === 'form.submitted');
      const received = forms(await receiver.until((all) => new Set(forms(all).map((r) => r.headers['webhook-id'])).size >= FORMS, 'a form.submitted per visitor', 30_000));
      const conversations = received.map((r) => (JSON.parse(r.body) as { data: { conversationId: string } }).data.conversationId);
      expect(new Set(conversations)).toEqual(new Set(sessions.map((s) => s.conversationId)));
      // At least once, never two events for one form: one webhook-id per conversation.
      expect(new Set(received.map((r) => r.headers['webhook-id'])).size).toBe(FORMS);
    } finally {
      await server?.stop('SIGKILL');
      server = undefined;
      await Promise.all(relays.map((relay) => relay.close()));
    }
  });
});
