// A visitor holding a scripted conversation with the demo bot over real HTTP and a real pusher-js
// subscription, the way the frame does: say (or click) the next step, then wait for the bot's
// answer on the channel. Several instances behind a proxy or one process on its own: the same
// script gives turns that can be compared one for one.
import type { ChatMessage, SessionResponse } from '../../common/wire.ts';
import { subscribeWithPusherJs, type PusherJsSubscriber } from '../encryption/pusher-js-subscriber.ts';
import { UPSTREAM_HEADER } from './nginx.ts';
import { authorize, call, history, openSession } from './visitor-api.ts';
import { startInProcess } from './in-process-parley.ts';

/** What the visitor says, turn by turn: small talk, a follow-up that needs the previous turn, and the booking form. */
export const SCRIPT: Array<{ text: string } | { choose: string }> = [
  { text: 'hello' },
  { text: 'what are your opening hours' },
  { text: 'how much does it cost' },
  { text: 'what about yearly billing' },
  { text: 'I want to book a demo' },
  { text: 'Ada Lovelace' },
  { text: 'ada@example.org' },
  { choose: '1–5' },
  { text: 'where are you located' },
  { text: 'how do I contact you' },
  { text: 'are you a bot' },
  { text: 'tell me about your product' },
  { text: 'I lost my password' },
  { text: 'are you hiring' },
  { text: 'what is the price' },
  { text: 'annual discount' },
  { text: 'when are you open' },
  { text: 'thanks' },
  { text: 'show me the product' },
  { text: 'bye' },
];

export interface Visitor {
  base: string;
  session: SessionResponse;
  /** Every message the relay delivered on the conversation's channel, in arrival order. */
  live: PusherJsSubscriber;
  /** The instance that answered each request, as nginx reports it (empty strings without nginx). */
  servedBy: string[];
}

export interface Turn {
  said: string;
  answer: string[];
}

/** The last upstream nginx tried for a response: the instance that answered it. */
export const answeredBy = (headers: Headers): string => headers.get(UPSTREAM_HEADER)?.split(/,\s*/).at(-1) ?? '';

/** History ends on a bot message, after the visitor's message `clientId`. */
export const answered = (clientId: string) => (messages: ChatMessage[]) =>
  messages.at(-1)?.sender === 'bot' && messages.some((m) => m.clientId === clientId);

/** Opens a conversation and subscribes where the session says (the proxy's /app/, or the embedded server), like the frame. */
export async function arrive(base: string): Promise<Visitor> {
  const session = await openSession(base);
  const servedBy: string[] = [];
  const live = await subscribeWithPusherJs({
    key: session.realtime.key,
    host: session.realtime.wsHost,
    port: session.realtime.wsPort,
    channel: session.channel,
    event: 'message',
    // As the frame's pusher-js does: it connects from Parley's own origin.
    origin: new URL(base).origin,
    authorize: async (socketId, channel) => {
      const res = await authorize(base, session.token, socketId, channel);
      servedBy.push(answeredBy(res.headers));
      return res.body;
    },
  });
  return { base, session, live, servedBy };
}

const delivered = (visitor: Visitor) => visitor.live.received as ChatMessage[];

/** Says (or clicks) step `n` of the script; resolves once the bot's answer came over the relay. */
export async function takeTurn(visitor: Visitor, n: number, clientId = `turn-${n}`): Promise<void> {
  const step = SCRIPT[n]!;
  let body: { text: string } | { action: string };
  if ('text' in step) body = step;
  else {
    // Like the frame: what the relay never delivered (an instance that stored an answer and died
    // before publishing it) is filled in from history.
    const offered = (messages: ChatMessage[]) => messages.flatMap((m) => m.quickReplies ?? []).findLast((q) => q.label === step.choose);
    const choice = offered(delivered(visitor)) ?? offered(await history(visitor.base, visitor.session.token));
    if (!choice) throw new Error(`no quick reply "${step.choose}" was offered`);
    body = { action: choice.action };
  }
  const res = await call(visitor.base, '/api/v1/messages', { token: visitor.session.token, json: { clientId, ...body } });
  if (res.status !== 202) throw new Error(`turn ${n}: ${res.status} ${JSON.stringify(res.body)}`);
  visitor.servedBy.push(answeredBy(res.headers));
  const sentId = (res.body as { message: ChatMessage }).message.id;
  await visitor.live.until(() => delivered(visitor).some((m) => m.sender === 'bot' && m.id > sentId), `the answer to ${clientId}`);
}

/** History split into turns: the greeting, then what the visitor said (masked where PII) and what the bot answered. */
export function turnsOf(messages: ChatMessage[]): Turn[] {
  const turns: Turn[] = [{ said: '(greeting)', answer: [] }];
  for (const m of messages) {
    if (m.sender === 'visitor') turns.push({ said: m.text, answer: [] });
    else turns.at(-1)!.answer.push(`${m.text}${m.quickReplies ? ` [${m.quickReplies.map((q) => q.label).join('|')}]` : ''}`);
  }
  return turns;
}

/** What one process on its own (in-process, SQLite, embedded realtime) answers to the first `turns` steps. */
export async function expectedTurns(env: Record<string, string>, turns = SCRIPT.length): Promise<Turn[]> {
  const control = await startInProcess(env);
  try {
    const visitor = await arrive(control.url);
    try {
      for (let n = 0; n < turns; n++) await takeTurn(visitor, n);
      return turnsOf(await history(control.url, visitor.session.token));
    } finally {
      visitor.live.disconnect();
    }
  } finally {
    await control.close();
  }
}
