// One visitor turn as the benches time it: the POST of the question, then the bot's answer on the
// conversation's channel. Whatever client carries the channel (pusher-js, a raw socket) reports
// each message it opened to noteMessage(); turn() waits on that.
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

export type TurnOutcome = { total: number; post: number } | { refused: number } | 'lost';

/** Sends `text`, then waits for a bot reply newer than the question: ms in all and to the 202; the status when refused. */
export async function turn(url: string, token: string, watch: ReplyWatch, clientId: string, text: string): Promise<TurnOutcome> {
  const started = performance.now();
  const res = await send(url, token, clientId, text);
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
