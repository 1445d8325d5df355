// A visitor's side of the wire contract over real HTTP: start a session, send, read history,
// authorize a channel. Tests use it against a real Parley server.
import type { ChatMessage, SessionRequest, SessionResponse } from '../../common/wire.ts';
import { subscribeWithPusherJs } from '../encryption/pusher-js-subscriber.ts';
import { pollUntil } from './poll.ts';

export const DEMO_ORIGIN = 'http://localhost:5173';

export async function call(
  base: string,
  path: string,
  init: { method?: string; token?: string; json?: unknown; body?: string; headers?: Record<string, string> } = {},
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read whatever JSON came back
): Promise<{ status: number; headers: Headers; body: any }> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.json !== undefined) headers['content-type'] ??= 'application/json';
  const res = await fetch(new URL(path, base), {
    method: init.method ?? (init.json !== undefined || init.body !== undefined ? 'POST' : 'GET'),
    headers,
    body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text so a test can show it
  }
  return { status: res.status, headers: res.headers, body };
}

export async function openSession(base: string, request: Partial<SessionRequest> = {}): Promise<SessionResponse> {
  const res = await call(base, '/api/v1/sessions', { json: { bot: 'demo', origin: DEMO_ORIGIN, ...request } });
  if (res.status !== 201 && res.status !== 200) throw new Error(`session: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as SessionResponse;
}

export async function send(base: string, token: string, clientId: string, text: string) {
  return call(base, '/api/v1/messages', { token, json: { clientId, text } });
}

export async function history(base: string, token: string, after = 0): Promise<ChatMessage[]> {
  const res = await call(base, `/api/v1/messages?after=${after}`, { token });
  if (res.status !== 200) throw new Error(`history: ${res.status} ${JSON.stringify(res.body)}`);
  return (res.body as { messages: ChatMessage[] }).messages;
}

export function authorize(base: string, token: string, socketId: string, channel: string) {
  return call(base, '/api/v1/realtime/auth', {
    token,
    body: new URLSearchParams({ socket_id: socketId, channel_name: channel }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
}

/** Polls history until `predicate` holds (bot replies arrive after the 202; HTTP history has no
 *  change event: tests that hold a channel subscription wait on its events instead). */
export function waitForHistory(
  base: string,
  token: string,
  predicate: (messages: ChatMessage[]) => boolean,
  timeoutMs = 10_000,
): Promise<ChatMessage[]> {
  return pollUntil(() => history(base, token), predicate, 'history', timeoutMs);
}

/**
 * A real pusher-js client on a session's conversation channel, authorized through the server's own
 * auth endpoint with the session's token, collecting one event's (decrypted) data.
 */
export function subscribeToConversation(server: { url: string; port: number }, session: SessionResponse, event: 'message' | 'typing') {
  return subscribeWithPusherJs({
    key: session.realtime.key,
    host: '127.0.0.1',
    port: server.port,
    channel: session.channel,
    event,
    origin: new URL(server.url).origin,
    authorize: async (socketId, channel) => {
      const res = await authorize(server.url, session.token, socketId, channel);
      if (res.status !== 200) throw new Error(`channel auth answered ${res.status}`);
      return res.body;
    },
  });
}

const botReplies = (messages: ChatMessage[]) => messages.filter((m) => m.sender === 'bot').length;

/** Sends `text` and waits until the bot has answered it in history. */
export async function sendAndWait(base: string, token: string, clientId: string, text: string): Promise<ChatMessage[]> {
  const seen = botReplies(await history(base, token));
  const sent = await send(base, token, clientId, text);
  if (sent.status !== 202) throw new Error(`send: ${sent.status} ${JSON.stringify(sent.body)}`);
  return waitForHistory(base, token, (m) => botReplies(m) > seen);
}

/** Walks the demo bot's booking form: the name and e-mail become collected values (PII, masked in history). */
export async function bookDemo(base: string, token: string, name: string, email: string): Promise<void> {
  for (const [i, text] of ['I want to book a demo', name, email].entries()) await sendAndWait(base, token, `form-${i}`, text);
}
