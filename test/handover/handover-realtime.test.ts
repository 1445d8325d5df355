// Issue 14: the console's realtime. Its auth endpoint (session + CSRF) signs a bot's queue only for
// users with handover.work on that bot, and a conversation's console channel only for the operator
// holding it and for supervisors and administrators of its bot; nothing else, never a visitor's
// channel. What travels on those channels is sealed: a bare WebSocket subscriber (what a relay
// sees) finds none of a marker word that a pusher-js client with the channel's secret reads.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_HANDOVER_DELETED, consoleConversationChannel, queueChannel, type HandoverView } from '../../common/handover-wire.ts';
import { conversationChannel, type ChatMessage } from '../../common/wire.ts';
import { startHandoverWorld, type HandoverWorld, type Staff } from '../helpers/handover-world.ts';
import type { ConsoleClient } from '../helpers/console-client.ts';
import { call, send } from '../helpers/visitor-api.ts';
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

  it('queue preview: while a handover waits, the visitor’s messages reach every operator of the bot on its queue channel, masked and sealed; once taken, only the holder’s channel has them', async () => {
    const { session, handover } = await world.visitorAskingForHuman(holder.client);
    const wsUrl = `ws://127.0.0.1:${world.port}/app/${(await colleague.client.request<{ key: string }>('GET', '/realtime')).body.key}?protocol=7`;
    const rawQueue = await subscribeRaw({ url: wsUrl, channel: queueChannel('demo'), sign: async (socketId, channel) => (await sign(colleague.client, channel, socketId)).body as { auth: string }, origin: new URL(world.url).origin });
    const preview = await world.follow(colleague.client, queueChannel('demo'), 'message');
    const otherBot = await world.follow(shopOperator.client, queueChannel('shop'), 'message');
    try {
      const word = marker('waiting');
      expect((await send(world.url, session.token, 'wait-1', `still there? ${word} mail me at kim@example.org`)).status).toBe(202);
      const [shown] = (await preview.until((t) => t.some((e) => e.event === 'message' && (e.data as ChatMessage).clientId === 'wait-1'), 'the waiting visitor’s message on the queue channel')).filter((e) => e.event === 'message');
      expect(shown!.data).toMatchObject({ conversationId: session.conversationId, sender: 'visitor', text: `still there? ${word} mail me at ••••••` });
      expect((await holder.client.request('POST', `/handovers/${handover.id}/take`)).status).toBe(200);
      await preview.until((t) => t.some((e) => e.event === 'handover' && (e.data as HandoverView).state === 'assigned' && (e.data as HandoverView).id === handover.id), 'the take on the queue channel');
      // Taken: the next message goes to the holder's channel only.
      const holderSide = await world.follow(holder.client, consoleConversationChannel(session.conversationId), 'message');
      expect((await send(world.url, session.token, 'held-1', 'and now?')).status).toBe(202);
      await holderSide.until((t) => t.some((e) => (e.data as ChatMessage).clientId === 'held-1'), 'the held conversation’s message for its holder');
      holderSide.disconnect();
      expect((await holder.client.request('POST', `/handovers/${handover.id}/resolve`, { code: 'answered' })).status).toBe(200);
      await preview.until((t) => t.some((e) => e.event === 'handover' && (e.data as HandoverView).state === 'resolved' && (e.data as HandoverView).id === handover.id), 'the resolve on the queue channel');
      expect((preview.received as ChatMessage[]).filter((m) => m.conversationId === session.conversationId).map((m) => m.clientId)).toEqual(['wait-1']);
      expect(otherBot.received).toEqual([]);
      // What the relay carried on the queue channel: ciphertext only.
      await rawQueue.waitForEvents('message', 1);
      expect(leakedMarkers([word, 'kim@example.org', 'still there'], rawQueue.frames)).toEqual([]);
    } finally {
      rawQueue.close();
      preview.disconnect();
      otherBot.disconnect();
    }
  });

  it('a visitor deleting their conversation mid-handover: the holder’s conversation channel and the bot’s queue hear at once that it is gone, sealed; the record goes with it; the audit names the handover and bot only', async () => {
    const { session, handover } = await world.visitorAskingForHuman(holder.client);
    expect((await holder.client.request('POST', `/handovers/${handover.id}/take`)).status).toBe(200);
    const onConversation = await world.follow(holder.client, consoleConversationChannel(session.conversationId), EVENT_HANDOVER_DELETED);
    const onQueue = await world.follow(colleague.client, queueChannel('demo'), EVENT_HANDOVER_DELETED);
    const wsUrl = `ws://127.0.0.1:${world.port}/app/${(await holder.client.request<{ key: string }>('GET', '/realtime')).body.key}?protocol=7`;
    const rawQueue = await subscribeRaw({ url: wsUrl, channel: queueChannel('demo'), sign: async (socketId, channel) => (await sign(colleague.client, channel, socketId)).body as { auth: string }, origin: new URL(world.url).origin });
    try {
      expect((await call(world.url, '/api/v1/conversation', { method: 'DELETE', token: session.token })).status).toBe(204);
      const gone = { id: handover.id, conversationId: session.conversationId, botId: 'demo' };
      expect(await onConversation.waitFor(1)).toEqual([gone]);
      expect(await onQueue.waitFor(1)).toEqual([gone]);
      const [frame] = await rawQueue.waitForEvents(EVENT_HANDOVER_DELETED, 1);
      expect(JSON.parse(frame!.data)).toEqual({ nonce: expect.any(String), ciphertext: expect.any(String) });
      expect((await holder.client.request<ErrorBody>('GET', `/handovers/${handover.id}`)).status).toBe(403);
      const audit = await world.admin.request<{ entries: Array<{ actor: string | null; target: string | null; ip: string | null; details: Record<string, unknown> }> }>('GET', '/audit?action=handover.deleted&limit=1000');
      expect(audit.body.entries.filter((e) => e.target === handover.id)).toEqual([expect.objectContaining({ actor: null, ip: null, details: { bot: 'demo', state: 'assigned', by: 'visitor' } })]);
    } finally {
      onConversation.disconnect();
      onQueue.disconnect();
      rawQueue.close();
    }
  });

  it('an administrator erasing a data subject mid-handover: the holder and the queue hear it is gone, as when the visitor deletes it; the audit says by whom', async () => {
    const { session, handover } = await world.visitorAskingForHuman(holder.client);
    expect((await holder.client.request('POST', `/handovers/${handover.id}/take`)).status).toBe(200);
    const onConversation = await world.follow(holder.client, consoleConversationChannel(session.conversationId), EVENT_HANDOVER_DELETED);
    const onQueue = await world.follow(colleague.client, queueChannel('demo'), EVENT_HANDOVER_DELETED);
    try {
      expect((await world.admin.request('POST', '/subjects/erase', { conversationId: session.conversationId })).status).toBe(200);
      const gone = { id: handover.id, conversationId: session.conversationId, botId: 'demo' };
      expect(await onConversation.waitFor(1)).toEqual([gone]);
      expect(await onQueue.waitFor(1)).toEqual([gone]);
      expect((await holder.client.request<ErrorBody>('GET', `/handovers/${handover.id}`)).status).toBe(403);
      const audit = await world.admin.request<{ entries: Array<{ target: string | null; details: Record<string, unknown> }> }>('GET', '/audit?action=handover.deleted&limit=1000');
      expect(audit.body.entries.filter((e) => e.target === handover.id)).toEqual([expect.objectContaining({ details: { bot: 'demo', state: 'assigned', by: 'subject-erasure' } })]);
    } finally {
      onConversation.disconnect();
      onQueue.disconnect();
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
