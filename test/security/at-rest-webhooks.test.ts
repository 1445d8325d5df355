// Issues 16 and 18 together, on both stores, over real HTTP: a webhook delivery waiting in the
// outbox (its receiver refused the first attempt) holds what a form collected and the bot marks
// shareable, and the webhook's signing secret signs it; neither is in any file the store keeps
// (database, WAL, key store, the MongoDB-protocol server's own storage files) while the delivery is
// pending, though the store opens both. The visitor's deletion drops the delivery (the attempt
// made stays, without a body), and no later scan sends it.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forEachStore } from '../helpers/stores.ts';
import { startHandoverWorld, type HandoverWorld } from '../helpers/handover-world.ts';
import { bookDemo, call, openSession } from '../helpers/visitor-api.ts';
import { filesContaining } from '../helpers/data-files.ts';
import { withStoreOf } from '../helpers/parley-cli.ts';
import { pollUntil } from '../helpers/poll.ts';
import type { WebhookWithSecret } from '../../common/webhooks-wire.ts';
import { startReceiver, type Receiver } from '../ops/webhook-receiver.ts';

forEachStore((kind) => {
  describe('data at rest: webhook deliveries and secrets', { timeout: 240_000 }, () => {
    let receiver: Receiver;
    let world: HandoverWorld;
    beforeAll(async () => {
      receiver = await startReceiver();
      receiver.answer(() => 503);
      world = await startHandoverWorld(kind.env(), {
        // Refused once, the delivery waits an hour for its retry: pending for the whole test.
        env: { WEBHOOK_ALLOWED_TARGETS: `127.0.0.1:${receiver.port}`, WEBHOOK_RETRY_BASE: '1h' },
        botPatch: (bot) => {
          const forms = bot.forms as Array<{ id: string; slots: Array<{ shareable?: boolean }> }>;
          for (const slot of forms.find((f) => f.id === 'demo_booking')!.slots) slot.shareable = true;
        },
      });
    }, 120_000);
    afterAll(async () => {
      await world?.close();
      await receiver?.close();
    });

    it('a shareable value waiting in the outbox and the signing secret are in no data file, WAL or server storage file; the visitor deleting the conversation drops the delivery', async () => {
      const made = await world.admin.request<WebhookWithSecret>('POST', '/webhooks', { bot: 'demo', url: `${receiver.url}/lead`, events: ['form.submitted'] });
      expect(made.status).toBe(201);
      const { webhook, secret } = made.body;
      // Lower case: the bot's e-mail slot keeps addresses in lower case.
      const m = `m${randomBytes(5).toString('hex')}`;
      const name = `name-${m}`;
      const email = `mail-${m}@example.org`;
      const session = await openSession(world.url);
      await bookDemo(world.url, session.token, name, email);
      // The form's last question, a choice of team size: answered, the form is submitted.
      expect((await call(world.url, '/api/v1/messages', { token: session.token, json: { clientId: 'size', action: 'choice:6-20' } })).status).toBe(202);

      // The receiver saw the values (shareable) and refused; once that attempt is recorded, the delivery waits.
      const [first] = await receiver.until((all) => all.length >= 1, 'the first attempt');
      expect(first!.body).toContain(email);
      expect(first!.body).toContain(name);
      const attempts = () => withStoreOf(world.env, (store) => store.listWebhookAttempts(webhook.id, 10));
      await pollUntil(attempts, (made) => made.length === 1, 'the first attempt recorded');

      const secretBytes = secret.slice('whsec_'.length);
      const holding = (dir: string | undefined, deep = false) =>
        dir ? [name, email, secretBytes].flatMap((text) => filesContaining(dir, text, deep).map((f) => `${text} in ${f}`)) : [];
      expect(holding(world.env.DATA_DIR)).toEqual([]);
      expect(holding(kind.serverFiles(), true)).toEqual([]);

      // While the store opens both.
      const owed = await withStoreOf(world.env, (store) => store.dueWebhookDeliveries(new Date(Date.now() + 86_400_000), 100));
      expect(owed).toEqual([expect.objectContaining({ webhookId: webhook.id, conversationId: session.conversationId, state: 'pending', attempts: 1, payload: first!.body })]);
      expect((await withStoreOf(world.env, (store) => store.getWebhook(webhook.id)))!.secrets.map((s) => s.secret)).toEqual([secret]);

      expect((await call(world.url, '/api/v1/conversation', { method: 'DELETE', token: session.token })).status).toBe(204);
      await withStoreOf(world.env, async (store) => {
        expect(await store.dueWebhookDeliveries(new Date(Date.now() + 86_400_000), 100)).toEqual([]);
      });
      expect(await attempts()).toEqual([expect.objectContaining({ attempt: 1, status: 503, outcome: 'retrying' })]);
      expect(receiver.received).toHaveLength(1);
    });
  });
});
