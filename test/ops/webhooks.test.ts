// Issue 18, webhooks: an administrator's webhook gets each event (handover requested and
// resolved, conversation rated, form submitted) signed per Standard Webhooks, verified here with
// the scheme's reference library; a rotated secret signs beside the new one during the overlap;
// a receiver that fails sees exponential back-off, then success or the retry limit; targets on
// loopback are refused unless allowed by host and port, a name resolving to loopback (through a
// real DNS server on loopback, the server's resolver in this test) is refused at delivery, and a
// redirect is not followed. Every change is audited without its secret.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Webhook as Verifier } from 'standardwebhooks';
import type { WebhookAttemptView, WebhookView, WebhookWithSecret } from '../../common/webhooks-wire.ts';
import { startHandoverWorld, type HandoverWorld, type Staff } from '../helpers/handover-world.ts';
import { lastAuditEntry } from '../helpers/console-client.ts';
import { pollUntil } from '../helpers/poll.ts';
import { call, openSession, send } from '../helpers/visitor-api.ts';
import { startTinyDns, type TinyDns } from '../helpers/tiny-dns.ts';
import { signatureHeadersOf, startReceiver, typeOf, type Receiver, type Received } from './webhook-receiver.ts';
import { parseSamples, total } from './prometheus-text.ts';

const RETRY_BASE_MS = 300;
const MAX_ATTEMPTS = 4;
const METRICS_TOKEN = randomBytes(24).toString('hex');
const ALL_EVENTS = ['handover.requested', 'handover.resolved', 'conversation.rated', 'form.submitted'];

interface Body {
  type: string;
  timestamp: string;
  data: Record<string, unknown>;
}
const bodyOf = (r: Received) => JSON.parse(r.body) as Body;

describe('webhooks', { timeout: 120_000 }, () => {
  let receiver: Receiver;
  let dns: TinyDns;
  let world: HandoverWorld;
  let kari: Staff;
  beforeAll(async () => {
    receiver = await startReceiver();
    dns = await startTinyDns({ 'rebind.test': '127.0.0.1', 'hooks.allowed.test': '127.0.0.1' });
    world = await startHandoverWorld(
      {},
      {
        env: {
          WEBHOOK_ALLOWED_TARGETS: `127.0.0.1:${receiver.port}, hooks.allowed.test:${receiver.port}`,
          WEBHOOK_RETRY_BASE: `${RETRY_BASE_MS}ms`,
          WEBHOOK_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
          METRICS_TOKEN,
        },
        // The demo booking form shares the e-mail address and the team size, not the name.
        botPatch: (bot) => {
          const forms = bot.forms as Array<{ id: string; slots: Array<{ key: string; shareable?: boolean }> }>;
          for (const slot of forms.find((f) => f.id === 'demo_booking')!.slots) slot.shareable = slot.key !== 'name';
        },
        start: { resolveHost: dns.resolve },
      },
    );
    kari = await world.staffOnline('kari@example.test', 'operator');
  }, 120_000);
  afterAll(async () => {
    await world?.close();
    await receiver?.close();
    await dns?.close();
  });

  async function createHook(path: string, events = ALL_EVENTS, base = receiver.url): Promise<WebhookWithSecret> {
    const made = await world.admin.request<WebhookWithSecret>('POST', '/webhooks', { bot: 'demo', url: `${base}${path}`, events });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    return made.body;
  }
  const at = (path: string) => (all: Received[]) => all.filter((r) => r.path === `/hooks${path}`);
  const attempts = async (id: string) => (await world.admin.request<{ attempts: WebhookAttemptView[] }>('GET', `/webhooks/${id}/attempts`)).body.attempts;
  const remove = async (id: string) => expect((await world.admin.request('DELETE', `/webhooks/${id}`)).status).toBe(204);

  it('delivers each event signed per Standard Webhooks, once; form values only where shareable, the rating comment masked', async () => {
    const { webhook, secret } = await createHook('/all');
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(webhook).toMatchObject({ bot: 'demo', events: ALL_EVENTS, enabled: true, signingSecrets: 1 });
    expect(JSON.stringify((await world.admin.request('GET', '/webhooks')).body)).not.toContain(secret);
    const mine = at('/all');

    const asking = await world.visitorAskingForHuman(kari.client);
    await receiver.until((all) => mine(all).some((r) => typeOf(r) === 'handover.requested'), 'handover.requested');
    expect((await kari.client.request('POST', `/handovers/${asking.handover.id}/take`)).status).toBe(200);
    expect((await kari.client.request('POST', `/handovers/${asking.handover.id}/resolve`, { code: 'answered', note: 'internal only' })).status).toBe(200);
    await receiver.until((all) => mine(all).some((r) => typeOf(r) === 'handover.resolved'), 'handover.resolved');
    const rating = await call(world.url, '/api/v1/rating', { token: asking.session.token, json: { score: 4, comment: 'mail me at ada@example.com' } });
    expect(rating.status).toBe(201);
    await receiver.until((all) => mine(all).some((r) => typeOf(r) === 'conversation.rated'), 'conversation.rated');

    const lead = await openSession(world.url);
    for (const [i, text] of ['I want to book a demo', 'Ada Lovelace', 'ada@example.com'].entries()) {
      expect((await send(world.url, lead.token, `f${i}`, text)).status).toBe(202);
    }
    expect((await call(world.url, '/api/v1/messages', { token: lead.token, json: { clientId: 'f3', action: 'choice:6-20' } })).status).toBe(202);
    const received = mine(await receiver.until((all) => mine(all).some((r) => typeOf(r) === 'form.submitted'), 'form.submitted'));

    const byType = Object.fromEntries(received.map((r) => [typeOf(r), bodyOf(r)]));
    expect(byType['handover.requested']!.data).toEqual({ bot: 'demo', conversationId: asking.session.conversationId, handoverId: asking.handover.id, source: 'button', startedAt: expect.any(String) });
    expect(byType['handover.resolved']!.data).toMatchObject({ bot: 'demo', handoverId: asking.handover.id, resolution: 'answered' });
    expect(JSON.stringify(byType['handover.resolved'])).not.toContain('internal only');
    expect(byType['conversation.rated']!.data).toEqual({ bot: 'demo', conversationId: asking.session.conversationId, handoverId: asking.handover.id, score: 4, comment: 'mail me at ••••••' });
    expect(byType['form.submitted']!.data).toEqual({
      bot: 'demo',
      conversationId: lead.conversationId,
      form: 'demo_booking',
      values: { name: '••••••', email: 'ada@example.com', team_size: '6-20' },
    });
    // Every request verifies with the secret, each event came once, and its id is its webhook-id.
    const verifier = new Verifier(secret);
    for (const r of received) expect(verifier.verify(r.body, signatureHeadersOf(r))).toEqual(JSON.parse(r.body));
    expect(new Set(received.map((r) => r.headers['webhook-id'])).size).toBe(received.length);
    expect(received.map(typeOf).sort()).toEqual([...ALL_EVENTS].sort());
    // A tampered body or a foreign secret does not verify.
    const one = received[0]!;
    expect(() => verifier.verify(one.body.replace('"demo"', '"evil"'), signatureHeadersOf(one))).toThrow();
    expect(() => new Verifier(`whsec_${randomBytes(32).toString('base64')}`).verify(one.body, signatureHeadersOf(one))).toThrow();

    const seen = await attempts(webhook.id);
    expect(seen.map((a) => a.outcome)).toEqual(['delivered', 'delivered', 'delivered', 'delivered']);
    expect(seen.every((a) => a.attempt === 1 && a.status === 204 && a.errorClass === null)).toBe(true);
    const metrics = parseSamples(await (await fetch(new URL('/metrics', world.url), { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text());
    expect(total(metrics, 'parley_webhook_deliveries_total', { result: 'delivered' })).toBeGreaterThanOrEqual(4);
    expect(total(metrics, 'parley_webhook_delivery_duration_seconds_count', { event: 'form.submitted' })).toBeGreaterThanOrEqual(1);
    await remove(webhook.id);
  });

  it('rotation: during the overlap both secrets sign; with no overlap only the new one', async () => {
    const first = await createHook('/rotating', ['handover.requested']);
    const mine = at('/rotating');
    const rotated = await world.admin.request<WebhookWithSecret>('POST', `/webhooks/${first.webhook.id}/rotate`, { overlapMinutes: 60 });
    expect(rotated.status).toBe(200);
    expect(rotated.body.webhook).toMatchObject({ signingSecrets: 2, previousSecretUntil: expect.any(String) });
    await world.visitorAskingForHuman(kari.client);
    const [during] = mine(await receiver.until((all) => mine(all).length === 1, 'a delivery during the overlap'));
    expect(String(during!.headers['webhook-signature']).split(' ')).toHaveLength(2);
    for (const secret of [first.secret, rotated.body.secret]) expect(() => new Verifier(secret).verify(during!.body, signatureHeadersOf(during!))).not.toThrow();

    const again = await world.admin.request<WebhookWithSecret>('POST', `/webhooks/${first.webhook.id}/rotate`, { overlapMinutes: 0 });
    expect(again.body.webhook).toMatchObject({ signingSecrets: 1, previousSecretUntil: null });
    await world.visitorAskingForHuman(kari.client);
    const after = mine(await receiver.until((all) => mine(all).length === 2, 'a delivery after the overlap'))[1]!;
    expect(() => new Verifier(again.body.secret).verify(after.body, signatureHeadersOf(after))).not.toThrow();
    expect(() => new Verifier(rotated.body.secret).verify(after.body, signatureHeadersOf(after))).toThrow();
    await remove(first.webhook.id);
  });

  it('back-off: a receiver answering 500 then 204 gets the retry after the base wait; one that keeps failing is given up after the limit, waits doubling', async () => {
    let flakyCalls = 0;
    receiver.answer((r) => (r.path === '/hooks/flaky' ? (++flakyCalls === 1 ? 500 : 204) : r.path === '/hooks/down' ? 503 : 204));
    try {
      const flaky = await createHook('/flaky', ['handover.requested']);
      const down = await createHook('/down', ['handover.requested']);
      await world.visitorAskingForHuman(kari.client);
      const [failed, succeeded] = at('/flaky')(await receiver.until((all) => at('/flaky')(all).length === 2, 'the retry'));
      expect(failed!.status).toBe(500);
      expect(succeeded!.status).toBe(204);
      expect(succeeded!.headers['webhook-id']).toBe(failed!.headers['webhook-id']);
      expect(succeeded!.at - failed!.at).toBeGreaterThanOrEqual(RETRY_BASE_MS);
      const flakyAttempts = await pollUntil(() => attempts(flaky.webhook.id), (list) => list.length === 2, 'two attempts');
      expect(flakyAttempts.map((a) => [a.attempt, a.status, a.errorClass, a.outcome])).toEqual([
        [2, 204, null, 'delivered'],
        [1, 500, 'http_status', 'retrying'],
      ]);

      const tries = at('/down')(await receiver.until((all) => at('/down')(all).length === MAX_ATTEMPTS, 'every attempt', 30_000));
      const gaps = tries.slice(1).map((r, i) => r.at - tries[i]!.at);
      gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(RETRY_BASE_MS * 2 ** i));
      const downAttempts = await pollUntil(() => attempts(down.webhook.id), (list) => list[0]?.outcome === 'failed', 'the delivery given up');
      expect(downAttempts.map((a) => a.outcome)).toEqual(['failed', ...Array(MAX_ATTEMPTS - 1).fill('retrying')]);
      await remove(flaky.webhook.id);
      await remove(down.webhook.id);
    } finally {
      receiver.answer(() => 204);
    }
  });

  it('a webhook disabled with a delivery still owed gives it up instead of sending it later', async () => {
    receiver.answer((r) => (r.path === '/hooks/disabled' ? 500 : 204));
    try {
      const hook = await createHook('/disabled', ['handover.requested']);
      await world.visitorAskingForHuman(kari.client);
      await receiver.until((all) => at('/disabled')(all).length === 1, 'the first, failed attempt');
      expect((await world.admin.request('PATCH', `/webhooks/${hook.webhook.id}`, { enabled: false })).status).toBe(200);
      const list = await pollUntil(() => attempts(hook.webhook.id), (l) => l[0]?.outcome === 'failed', 'the delivery given up');
      expect(list.map((a) => [a.attempt, a.status, a.errorClass, a.outcome])).toEqual([
        [2, null, 'disabled', 'failed'],
        [1, 500, 'http_status', 'retrying'],
      ]);
      expect(at('/disabled')(receiver.received)).toHaveLength(1);
      await remove(hook.webhook.id);
    } finally {
      receiver.answer(() => 204);
    }
  });

  it('SSRF: loopback, private, link-local and metadata targets are refused unless allowed by host and port; a name resolving to loopback is refused at delivery; redirects are not followed', async () => {
    for (const url of [
      `http://127.0.0.2:${receiver.port}/x`,
      `http://127.0.0.1:${receiver.port + 1}/x`,
      `http://localhost:${receiver.port}/x`,
      `http://[::1]:${receiver.port}/x`,
      `http://[::ffff:127.0.0.1]:${receiver.port}/x`,
      'http://169.254.169.254/latest/meta-data',
      'http://[fd00:ec2::254]/latest',
      'http://10.0.0.1/x',
      'http://100.64.0.1/x',
    ]) {
      const refused = await world.admin.request<{ error: { code: string; message: string } }>('POST', '/webhooks', { bot: 'demo', url, events: ['handover.requested'] });
      expect(refused.status, url).toBe(400);
      expect(refused.body.error.code).toBe('invalid_request');
    }
    for (const url of ['ftp://example.com/x', 'http://user:pw@example.com/x', 'not a url']) {
      expect((await world.admin.request('POST', '/webhooks', { bot: 'demo', url, events: ['handover.requested'] })).status, url).toBe(400);
    }

    const port = receiver.port;
    const rebinding = await createHook('/rebind', ['handover.requested'], `http://rebind.test:${port}/hooks`);
    const named = await createHook('/named', ['handover.requested'], `http://hooks.allowed.test:${port}/hooks`);
    receiver.answer((r) => (r.path === '/hooks/redirect' ? 302 : 204));
    const redirecting = await createHook('/redirect', ['handover.requested']);
    try {
      await world.visitorAskingForHuman(kari.client);
      await receiver.until((all) => at('/named')(all).length === 1, 'the allowed name');
      const refusedAttempt = (await pollUntil(() => attempts(rebinding.webhook.id), (list) => list.length === 1, 'the refused attempt'))[0]!;
      expect(refusedAttempt).toMatchObject({ status: null, errorClass: 'refused_target', outcome: 'failed' });
      expect(dns.queries('rebind.test')).toBeGreaterThanOrEqual(1);
      expect(at('/rebind')(receiver.received)).toEqual([]);
      const redirected = (await pollUntil(() => attempts(redirecting.webhook.id), (list) => list.length === 1, 'the redirect attempt'))[0]!;
      expect(redirected).toMatchObject({ status: 302, errorClass: 'redirect', outcome: 'retrying' });
    } finally {
      receiver.answer(() => 204);
    }
    for (const hook of [rebinding, named, redirecting]) await remove(hook.webhook.id);
  });

  it('audit: create, change, rotate and delete are recorded with what changed, never a secret; only administrators reach webhooks', async () => {
    const { webhook, secret } = await createHook('/audited', ['form.submitted']);
    expect((await world.admin.request('PATCH', `/webhooks/${webhook.id}`, { enabled: false, events: ['form.submitted', 'conversation.rated'] })).status).toBe(200);
    const rotated = await world.admin.request<WebhookWithSecret>('POST', `/webhooks/${webhook.id}/rotate`, {});
    await remove(webhook.id);
    const entries = await Promise.all(['webhook.create', 'webhook.change', 'webhook.rotate', 'webhook.delete'].map((action) => lastAuditEntry(world.admin, action)));
    for (const entry of entries) expect(entry).toMatchObject({ target: webhook.id, outcome: 'ok' });
    expect(entries[0]!.details).toMatchObject({ bot: 'demo', target: `http://127.0.0.1:${receiver.port}`, events: 'form.submitted', enabled: true });
    expect(entries[1]!.details).toMatchObject({ 'enabled.before': true, 'enabled.after': false, 'events.after': 'form.submitted conversation.rated' });
    expect(entries[2]!.details).toMatchObject({ overlapMinutes: 1440 });
    const audited = JSON.stringify(entries);
    for (const s of [secret, rotated.body.secret, 'whsec_']) expect(audited).not.toContain(s);

    const sam = await world.staff('sam@example.test', 'supervisor');
    for (const [method, path] of [['GET', '/webhooks'], ['POST', '/webhooks'], ['GET', `/webhooks/${webhook.id}/attempts`]] as const) {
      const answer = await sam.client.request(method, path, method === 'POST' ? { bot: 'demo', url: receiver.url, events: ['form.submitted'] } : undefined);
      expect(answer.status, `${method} ${path}`).toBe(403);
    }
    expect(((await world.admin.request<{ webhooks: WebhookView[] }>('GET', '/webhooks')).body.webhooks ?? []).map((w) => w.id)).not.toContain(webhook.id);
  });
});
