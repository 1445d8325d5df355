// One visitor turn as the benches time it: the POST of the question, then the bot's answer on the
// conversation's channel. Whatever client carries the channel (pusher-js, a raw socket) reports
// each message it opened to noteMessage(); turn() waits on that.
import { Agent, request } from 'node:http';
import type { ChatMessage } from '../common/wire.ts';
import { send } from '../test/helpers/visitor-api.ts';

/** What the benches' visitors ask the demo bot, in turn: answers, a fallback, small talk. */
export const QUESTIONS = ['What are your opening hours?', 'How much does it cost?', 'How can I contact you?', 'thanks!', 'hello'];

/** A reply not seen this long after its question was accepted is counted lost. */
export const LOST_AFTER_MS = 10_000;

export interface ReplyWatch {
  /** Highest bot message id seen: a reply may arrive before the 202 that announced its question. */
  lastBotId: number;
  waiting?: { after: number; resolve: () => void };
}

export const newReplyWatch = (): ReplyWatch => ({ lastBotId: 0 });

/** Every message the visitor's channel delivered, opened. */
export function noteMessage(watch: ReplyWatch, message: ChatMessage): void {
  if (message.sender !== 'bot') return;
  watch.lastBotId = Math.max(watch.lastBotId, message.id);
  if (watch.waiting && message.id > watch.waiting.after) {
    const { resolve } = watch.waiting;
    watch.waiting = undefined;
    resolve();
  }
}

/**
 * A visitor's own HTTP connection, kept alive between its messages as a browser tab keeps one.
 * Without it a bench's visitors share fetch's pool, which shrinks while they are paced (the server
 * drops a connection idle for 5 s) and has to grow again by some 180 connections the moment they
 * go saturated; a busy Node server accepts one connection per turn of its event loop (libuv since
 * 1.45), so that ramp took seconds and swung a run's throughput by ±10 %.
 */
export const ownConnection = (): Agent => new Agent({ keepAlive: true, maxSockets: 1 });

/** POST /api/v1/messages over the visitor's own connection (http: the benches' servers are on loopback). */
function sendOver(connection: Agent, url: string, token: string, clientId: string, text: string): Promise<{ status: number; body: unknown }> {
  const body = JSON.stringify({ clientId, text });
  return new Promise((resolve, reject) => {
    const req = request(
      new URL('/api/v1/messages', url),
      { method: 'POST', agent: connection, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: res.statusCode === 202 ? JSON.parse(text) : text }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export type TurnOutcome = { total: number; post: number } | { refused: number } | 'lost';

/**
 * Sends `text` (over `connection` when given, else fetch's pool), then waits for a bot reply newer
 * than the question: ms in all and to the 202; the status when refused.
 */
export async function turn(url: string, token: string, watch: ReplyWatch, clientId: string, text: string, connection?: Agent): Promise<TurnOutcome> {
  const started = performance.now();
  const res = connection ? await sendOver(connection, url, token, clientId, text) : await send(url, token, clientId, text);
  const post = performance.now() - started;
  if (res.status !== 202) return { refused: res.status };
  const after = (res.body as { message: ChatMessage }).message.id;
  if (watch.lastBotId <= after) {
    const arrived = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), LOST_AFTER_MS);
      watch.waiting = { after, resolve: () => (clearTimeout(timer), resolve(true)) };
    });
    watch.waiting = undefined;
    if (!arrived) return 'lost';
  }
  return { total: performance.now() - started, post };
}
