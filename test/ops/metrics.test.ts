// Issue 18, metrics: GET /metrics is absent without METRICS_TOKEN, refuses any other bearer, and
// after real traffic (visitors' messages carrying markers, a turn left pending behind another
// owner's lease, a handover waiting, realtime subscribers) every metric has moved while no
// conversation id, visitor id, handover id or text appears anywhere in the scrape. Runs on
// MongoDB (FerretDB), where leases live in the store, so the test can hold a conversation's turn
// lease from outside the server, as another instance would, and see the turn wait.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueChannel } from '../../common/handover-wire.ts';
import { loadConfig } from '../../server/config/index.ts';
import { createTokenSealer } from '../../server/tokens/visitor-token.ts';
import { openMongoStore, type Store } from '../../server/store/index.ts';
import { startHandoverWorld, type HandoverWorld } from '../helpers/handover-world.ts';
import { startInProcess } from '../helpers/in-process-parley.ts';
import { startMongoServer, type MongoServer } from '../helpers/mongodb.ts';
import { deploymentSecrets } from '../helpers/deployment-secrets.ts';
import { pollUntil } from '../helpers/poll.ts';
import { call, openSession, send, waitForHistory } from '../helpers/visitor-api.ts';
import { parseSamples, total, type Sample } from './prometheus-text.ts';

const TOKEN = randomBytes(24).toString('base64url');

async function scrape(url: string, token = TOKEN): Promise<Sample[]> {
  const answer = await fetch(new URL('/metrics', url), { headers: { authorization: `Bearer ${token}` } });
  if (answer.status !== 200) throw new Error(`/metrics answered ${answer.status}`);
  expect(answer.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseSamples(await answer.text());
}

async function scrapeText(url: string): Promise<string> {
  return (await fetch(new URL('/metrics', url), { headers: { authorization: `Bearer ${TOKEN}` } })).text();
}

describe('GET /metrics', { timeout: 120_000 }, () => {
  let mongo: MongoServer;
  let world: HandoverWorld;
  let outsider: Store;
  beforeAll(async () => {
    mongo = await startMongoServer();
    const uri = mongo.freshDatabaseUri();
    world = await startHandoverWorld({ MONGODB_URI: uri, ...deploymentSecrets(uri) }, { env: { METRICS_TOKEN: TOKEN } });
    outsider = await openMongoStore(uri);
  }, 120_000);
  afterAll(async () => {
    await outsider?.close();
    await world?.close();
    await mongo?.stop();
  });

  it('without METRICS_TOKEN there is no /metrics: 404 JSON', async () => {
    const plain = await startInProcess();
    try {
      const answer = await call(plain.url, '/metrics');
      expect(answer.status).toBe(404);
      expect(answer.body).toEqual({ error: { code: 'not_found', message: 'Not found' } });
    } finally {
      await plain.close();
    }
  });

  it('refuses a missing, wrong or differently-sized bearer with 401 JSON, and no metric in the answer', async () => {
    for (const authorization of [undefined, `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`, 'Bearer ', `Basic ${TOKEN}`, TOKEN]) {
      const answer = await call(world.url, '/metrics', { headers: authorization === undefined ? {} : { authorization } });
      expect(answer.status, String(authorization)).toBe(401);
      expect(answer.body).toEqual({ error: { code: 'invalid_token', message: 'A valid metrics token is required' } });
      expect(answer.headers.get('www-authenticate')).toBe('Bearer');
    }
  });

  it('every metric moves with real traffic, and no id or text is in any label', async () => {
    const kari = await world.staffOnline('kari@example.test', 'operator');
    const before = await scrape(world.url);
    const marker = `marker-${randomBytes(6).toString('hex')}`;
    const secrets = loadConfig({ ...world.env, LOG_LEVEL: 'silent' });
    const sealer = createTokenSealer(secrets.tokenKeys, secrets.tokenTtlMs, secrets.tokenRenewWindowMs);

    // A visitor talking to the bot, followed over realtime.
    const talker = await openSession(world.url);
    const channel = await world.visitorChannel(talker, 'message');
    // Another instance holds this conversation's turns: the turn waits in the store, pending.
    const held = await outsider.lease(`turns:${talker.conversationId}`, 'another-instance', Date.now(), Date.now() + 600_000);
    expect(held).toBe(true);
    expect((await send(world.url, talker.token, 'c1', `What are your prices? ${marker}`)).status).toBe(202);
    const pending = await scrape(world.url);
    expect(total(pending, 'parley_turns_pending_conversations')).toBeGreaterThanOrEqual(1);
    // The other instance gives up its lease: this one's scan runs the turn.
    await outsider.release(`turns:${talker.conversationId}`, 'another-instance');
    await waitForHistory(world.url, talker.token, (messages) => messages.some((m) => m.sender === 'bot' && m.id > 2), 30_000);

    // A visitor waiting for a person, with an operator following the queue.
    const queue = await world.follow(kari.client, queueChannel('demo'), 'handover');
    const asking = await world.visitorAskingForHuman(kari.client);
    expect((await send(world.url, asking.session.token, 'c2', `my email is ${marker}@example.test`)).status).toBe(202);
    // Raw paths carrying an id and a marker: the label is the route's pattern, or `unmatched`.
    expect((await kari.client.request('GET', `/handovers/${asking.handover.id}`)).status).toBe(200);
    expect((await call(world.url, `/${marker}`)).status).toBe(404);

    // Sweeps run on their interval; wait for the next handover sweep rather than guessing how long.
    const sweptBefore = total(before, 'parley_sweep_duration_seconds_count', { sweep: 'handovers' });
    const after = await pollUntil(
      () => scrape(world.url),
      (samples) => total(samples, 'parley_sweep_duration_seconds_count', { sweep: 'handovers' }) > sweptBefore,
      'a handover sweep',
    );
    const text = await scrapeText(world.url);
    channel.disconnect();
    queue.disconnect();

    const moved = (name: string, where: Record<string, string> = {}) => total(after, name, where) - total(before, name, where);
    expect(moved('parley_http_request_duration_seconds_count', { route: '/api/v1/messages', method: 'POST', status: '202' })).toBeGreaterThanOrEqual(2);
    expect(moved('parley_http_request_duration_seconds_count', { route: '/api/v1/console/handovers/:id', method: 'GET', status: '200' })).toBeGreaterThanOrEqual(1);
    expect(moved('parley_http_request_duration_seconds_count', { route: 'unmatched', status: '404' })).toBeGreaterThanOrEqual(1);
    expect(moved('parley_messages_total', { sender: 'visitor' })).toBeGreaterThanOrEqual(3);
    expect(moved('parley_messages_total', { sender: 'bot' })).toBeGreaterThanOrEqual(2);
    expect(moved('parley_bot_turn_duration_seconds_count')).toBeGreaterThanOrEqual(2);
    expect(moved('parley_store_operation_duration_seconds_count', { operation: 'appendVisitorMessage', result: 'ok' })).toBeGreaterThanOrEqual(3);
    expect(moved('parley_sweep_duration_seconds_count', { sweep: 'handovers', result: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(total(after, 'parley_handovers_waiting', { bot: 'demo' })).toBeGreaterThanOrEqual(1);
    expect(total(after, 'parley_realtime_connections')).toBeGreaterThanOrEqual(2);
    expect(total(after, 'parley_realtime_subscriptions', { kind: 'conversation' })).toBeGreaterThanOrEqual(1);
    expect(total(after, 'parley_realtime_subscriptions', { kind: 'console_queue' })).toBeGreaterThanOrEqual(1);
    // The retention sweep ran at start, before any traffic.
    expect(total(after, 'parley_sweep_duration_seconds_count', { sweep: 'retention' })).toBeGreaterThanOrEqual(1);

    const visitorIds = await Promise.all([talker, asking.session].map(async (s) => (await sealer.open(s.token))!.visitorId));
    for (const secret of [marker, talker.conversationId, asking.session.conversationId, asking.handover.id, ...visitorIds]) {
      expect(text, secret).not.toContain(secret);
    }
  });

  it('keeps one registry per server: another instance in the same process counts only its own traffic', async () => {
    const other = await startInProcess({ METRICS_TOKEN: TOKEN });
    try {
      const samples = await scrape(other.url);
      expect(total(samples, 'parley_messages_total')).toBe(0);
      expect(total(samples, 'parley_http_request_duration_seconds_count', { route: '/api/v1/messages' })).toBe(0);
      expect(total(await scrape(world.url), 'parley_messages_total')).toBeGreaterThan(0);
    } finally {
      await other.close();
    }
  });
});
