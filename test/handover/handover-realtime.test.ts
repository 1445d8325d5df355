// Issue 14: the console's realtime. Its auth endpoint (session + CSRF) signs a bot's queue only for
// users with handover.work on that bot, and a conversation's console channel only for the operator
// holding it and for supervisors and administrators of its bot; nothing else, never a visitor's
// channel. What travels on those channels is sealed: a bare WebSocket subscriber (what a relay
// sees) finds none of a marker word that a pusher-js client with the channel's secret reads.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleConversationChannel, queueChannel } from '../../common/handover-wire.ts';
import { conversationChannel, type ChatMessage } from '../../common/wire.ts';
import { startHandoverWorld, type HandoverWorld, type Staff } from '../helpers/handover-world.ts';
import type { ConsoleClient } from '../helpers/console-client.ts';
import { send } from '../helpers/visitor-api.ts';
import { subscribeRaw } from '../encryption/raw-subscriber.ts';
import { leakedMarkers, marker } from '../encryption/markers.ts';

type ErrorBody = { error: { code: string } };

describe('console channel auth', { timeout: 60_000 }, () => {
  let world: HandoverWorld;
  let supervisor: Staff;
  let holder: Staff;
  let colleague: Staff;
  let shopOperator: Staff;
  beforeAll(async () => {
    world = await startHandoverWorld({});
    supervisor = await world.staffOnline('sup@example.test', 'supervisor', ['demo']);
    holder = await world.staffOnline('holder@example.test', 'operator', ['demo']);
    colleague = await world.staffOnline('colleague@example.test', 'operator', ['demo']);
    shopOperator = await world.staffOnline('shop@example.test', 'operator', ['shop']);
  }, 120_000);
  afterAll(() => world?.close());

  const sign = (as: ConsoleClient, channel: string, socketId = '1234.5678') =>
    as.request<{ auth?: string; shared_secret?: string } & Partial<ErrorBody>>('POST', '/realtime/auth', { socket_id: socketId, channel_name: channel });

  it('realtime auth: a bot’s queue for handover.work on it (administrator, supervisor, its operators), with the channel’s shared secret; not another bot’s, nor an unknown bot’s', async () => {
    for (const c of [world.admin, supervisor.client, holder.client]) {
      const answer = await sign(c, queueChannel('demo'));
      expect(answer.status).toBe(200);
      expect(answer.body.auth).toMatch(/^[^:]+:[0-9a-f]{64}$/);
      expect(answer.body.shared_secret).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    }
    for (const [c, channel] of [[shopOperator.client, queueChannel('demo')], [holder.client, queueChannel('shop')], [world.admin, queueChannel('nope')]] as const) {
      const answer = await sign(c, channel);
      expect([answer.status, answer.body.error?.code], channel).toEqual([403, 'forbidden_channel']);
    }
  });

  it('realtime auth: a conversation’s console channel for its holder and the bot’s supervisors and administrators; not a colleague, another bot’s operator, or the holder once resolved', async () => {
    const { session, handover } = await world.visitorAskingForHuman(holder.client);
    const channel = consoleConversationChannel(session.conversationId);
    // Waiting: nobody holds it yet.
    expect((await sign(holder.client, channel)).status).toBe(403);
    expect((await holder.client.request('POST', `/handovers/${handover.id}/take`)).status).toBe(200);
    for (const c of [holder.client, supervisor.client, world.admin]) expect((await sign(c, channel)).status).toBe(200);
    for (const c of [colleague.client, shopOperator.client]) {
      const answer = await sign(c, channel);
      expect([answer.status, answer.body.error?.code]).toEqual([403, 'forbidden_channel']);
    }
    expect((await holder.client.request('POST', `/handovers/${handover.id}/resolve`, { code: 'answered' })).status).toBe(200);
    expect((await sign(holder.client, channel)).status).toBe(403);
    expect((await sign(supervisor.client, channel)).status).toBe(200);
    // Each signing of a conversation's channel is a view: in the audit log, allowed or not.
    const audit = await world.admin.request<{ entries: Array<{ outcome: string; target: string | null }> }>('GET', '/audit?action=handover.subscribe&limit=1000');
    expect(audit.body.entries.filter((e) => e.outcome === 'ok' && e.target === session.conversationId).length).toBeGreaterThanOrEqual(4);
    expect(audit.body.entries.filter((e) => e.outcome === 'denied').length).toBeGreaterThanOrEqual(3);
  });

  it('realtime auth: never a visitor’s channel, nor any other name; a malformed socket id or channel is 400; signed out is refused', async () => {
    const { session } = await world.visitorAskingForHuman(holder.client);
    for (const channel of [conversationChannel(session.conversationId), session.channel, 'private-encrypted-console-queue-', `${consoleConversationChannel('')}short`, 'presence-console']) {
      expect((await sign(world.admin, channel)).status, channel).toBe(403);
    }
    for (const body of [{ socket_id: '1.1:private-x', channel_name: queueChannel('demo') }, { socket_id: '1.1', channel_name: 'a:b' }, { socket_id: '1.1', channel_name: `${consoleConversationChannel('')}../x` }, { socket_id: '1.1' }, { socket_id: '1.1', channel_name: queueChannel('demo'), x: 1 }]) {
      const answer = await world.admin.request<ErrorBody>('POST', '/realtime/auth', body);
      expect([answer.status, answer.body.error.code], JSON.stringify(body)).toEqual([400, 'invalid_request']);
    }
    const out = world.client();
    expect((await out.request<ErrorBody>('POST', '/realtime/auth', { socket_id: '1.1', channel_name: queueChannel('demo') })).body.error.code).toBe('csrf');
    // pusher-js's default form body is refused too: the console sends JSON with its CSRF token.
    const form = await holder.client.request<ErrorBody>('POST', '/realtime/auth', `socket_id=1.1&channel_name=${queueChannel('demo')}`, { 'Content-Type': 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(403);
  });

  it('sealed: the relay carries the console channels’ events as ciphertext only, while the console’s pusher-js reads them', async () => {
    const { session, handover } = await world.visitorAskingForHuman(holder.client);
    expect((await holder.client.request('POST', `/handovers/${handover.id}/take`)).status).toBe(200);
    const wsUrl = `ws://127.0.0.1:${world.port}/app/${(await holder.client.request<{ key: string }>('GET', '/realtime')).body.key}?protocol=7`;
    const origin = new URL(world.url).origin;
    const signer = (as: ConsoleClient) => async (socketId: string, channel: string) => (await sign(as, channel, socketId)).body as { auth: string };
    const rawConversation = await subscribeRaw({ url: wsUrl, channel: consoleConversationChannel(session.conversationId), sign: signer(supervisor.client), origin });
    const rawQueue = await subscribeRaw({ url: wsUrl, channel: queueChannel('demo'), sign: signer(supervisor.client), origin });
    const reader = await world.follow(holder.client, consoleConversationChannel(session.conversationId), 'message');
    try {
      const word = marker('console');
      expect((await send(world.url, session.token, 'secret-1', `the word is ${word}`)).status).toBe(202);
      await reader.until((t) => t.some((e) => (e.data as ChatMessage).text?.includes(word)), 'the marker, decrypted by pusher-js');
      expect((await holder.client.request('POST', `/handovers/${handover.id}/resolve`, { code: 'answered' })).status).toBe(200);
      await rawQueue.waitForEvents('handover', 1);
      const [frame] = await rawConversation.waitForEvents('message', 1);
      expect(JSON.parse(frame!.data)).toEqual({ nonce: expect.any(String), ciphertext: expect.any(String) });
      // The conversation's id is in its channel's name, as for the visitor's channel; nothing the events say is.
      const everything = [...rawConversation.frames, ...rawQueue.frames].filter((f) => !f.includes('pusher_internal'));
      expect(leakedMarkers([word, handover.id, 'answered', 'Hello'], everything)).toEqual([]);
    } finally {
      rawConversation.close();
      rawQueue.close();
      reader.disconnect();
    }
  });

  it('console realtime config: the relay the frame uses, and the console’s own auth endpoint', async () => {
    const config = await holder.client.request<{ key: string; authEndpoint: string; wsHost: string }>('GET', '/realtime');
    expect(config.status).toBe(200);
    expect(config.body.authEndpoint).toBe(new URL('/api/v1/console/realtime/auth', world.url).href);
    expect(config.body.wsHost).toBe('localhost');
    expect(JSON.stringify(config.body)).not.toMatch(/secret/i);
  });
});
