// The embedded realtime server as Parley runs it (issue 11, finding 3): only the conversation
// channel kind and the console's two (issue 14), upgrades only from Parley's own origin (plus REALTIME_ALLOWED_ORIGINS), connection
// caps per client IP (the address TRUST_PROXY says) and in total, idle sockets closed. A whole
// in-process Parley server, real WebSockets on loopback.
import { afterEach, describe, expect, it } from 'vitest';
import { consoleConversationChannel, queueChannel } from '../../common/handover-wire.ts';
import { startInProcess } from '../helpers/in-process-parley.ts';
import { authorize, openSession } from '../helpers/visitor-api.ts';
import { channelAuth, rawSocket, subscriptionOutcome, within, type RawSocket } from './clients.ts';

const app = { appId: '1111', key: 'parley-limits-key', secret: 'parley-limits-secret-0123456789' };
const appEnv = { PUSHER_APP_ID: app.appId, PUSHER_KEY: app.key, PUSHER_SECRET: app.secret };
const servers: Array<{ close(): Promise<void> }> = [];
const sockets: RawSocket[] = [];

afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function parley(env: Record<string, string> = {}) {
  const server = await startInProcess({ ...appEnv, ...env });
  servers.push(server);
  return { ...server, ownOrigin: new URL(server.url).origin };
}

async function socket(port: number, headers: Record<string, string>, expectEstablished = true) {
  const s = await rawSocket(port, app.key, { headers, expectEstablished });
  sockets.push(s);
  return s;
}

/** The close code, or a note that the socket stayed open. */
const closeCode = (s: RawSocket) => within(5000, s.closed);

describe('the realtime server as Parley runs it', () => {
  it('refuses every channel kind but the conversation channel and the console’s two (a bot’s queue, a conversation it follows), however well signed', async () => {
    const server = await parley();
    const session = await openSession(server.url);
    const s = await socket(server.port, { origin: server.ownOrigin });
    const refused = ['chat-room', 'private-chat-AAAAAAAAAAAAAAAAAAAAAA', 'private-encrypted-room', 'presence-chat', 'private-console-queue-demo', 'private-encrypted-console-room'];
    for (const channel of refused) {
      s.subscribe(channel, channelAuth(app, s.socketId, channel));
      const refusal = await s.next((m) => m.channel === channel);
      expect({ channel, refusal }).toMatchObject({ channel, refusal: { event: 'pusher:subscription_error', data: { type: 'UnsupportedChannel', status: 403 } } });
    }
    const auth = await authorize(server.url, session.token, s.socketId, session.channel);
    s.subscribe(session.channel, auth.body.auth);
    expect(await subscriptionOutcome(s, session.channel)).toBe('succeeded');
    for (const channel of [queueChannel('demo'), consoleConversationChannel(session.conversationId)]) {
      s.subscribe(channel, channelAuth(app, s.socketId, channel));
      expect(await subscriptionOutcome(s, channel), channel).toBe('succeeded');
    }
  });

  it('accepts WebSocket upgrades only from its own origin and REALTIME_ALLOWED_ORIGINS', async () => {
    const server = await parley({ REALTIME_ALLOWED_ORIGINS: 'https://cdn.example, https://other.example:8443' });
    await socket(server.port, { origin: server.ownOrigin });
    await socket(server.port, { origin: 'https://cdn.example' });
    await socket(server.port, { origin: 'https://other.example:8443' });
    const refusedHeaders: Array<Record<string, string>> = [{ origin: 'https://evil.example' }, { origin: 'null' }, { origin: 'http://127.0.0.1:1' }, {}];
    for (const headers of refusedHeaders) {
      expect({ headers, code: await closeCode(await socket(server.port, headers, false)) }).toEqual({ headers, code: 4009 });
    }
  });

  it('caps sockets per client IP (4100); a spoofed X-Forwarded-For does not escape it', async () => {
    const server = await parley({ REALTIME_MAX_CONNECTIONS_PER_IP: '2' });
    const own = { origin: server.ownOrigin };
    await socket(server.port, own);
    await socket(server.port, { ...own, 'x-forwarded-for': '203.0.113.1' });
    const third = await socket(server.port, { ...own, 'x-forwarded-for': '203.0.113.2' }, false);
    expect(await closeCode(third)).toBe(4100);
  });

  it('behind TRUST_PROXY, counts the address the proxy appended (the rightmost), not what the client wrote', async () => {
    const server = await parley({ REALTIME_MAX_CONNECTIONS_PER_IP: '1', TRUST_PROXY: 'true' });
    const own = { origin: server.ownOrigin };
    await socket(server.port, { ...own, 'x-forwarded-for': '198.51.100.7' });
    const sameClient = await socket(server.port, { ...own, 'x-forwarded-for': 'forged-by-client, 198.51.100.7' }, false);
    expect(await closeCode(sameClient)).toBe(4100);
    await socket(server.port, { ...own, 'x-forwarded-for': '198.51.100.8' });
  });

  it('caps sockets in total (REALTIME_MAX_CONNECTIONS, 4100)', async () => {
    const server = await parley({ REALTIME_MAX_CONNECTIONS: '2', TRUST_PROXY: 'true' });
    const from = (ip: string) => ({ origin: server.ownOrigin, 'x-forwarded-for': ip });
    await socket(server.port, from('198.51.100.1'));
    await socket(server.port, from('198.51.100.2'));
    expect(await closeCode(await socket(server.port, from('198.51.100.3'), false))).toBe(4100);
  });

  it('closes a socket that subscribes to nothing within REALTIME_IDLE_GRACE', async () => {
    const server = await parley({ REALTIME_IDLE_GRACE: '300ms' });
    const idle = await socket(server.port, { origin: server.ownOrigin });
    expect(await closeCode(idle)).toBe(4200);
  });
});
