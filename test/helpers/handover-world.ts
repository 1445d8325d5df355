// A Parley server with a staffed console and the demo bot handing over to humans (issue 14):
// visitors over the real visitor API, console users over the real console API, both sides'
// realtime through real pusher-js clients authorized by Parley's own auth endpoints, and a clock
// the handover lifecycle reads that a test moves instead of waiting.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HandoverView } from '../../common/handover-wire.ts';
import type { ChatMessage, RealtimeClientConfig, SessionResponse } from '../../common/wire.ts';
import type { ConsoleRole } from '../../common/console-wire.ts';
import { subscribeWithPusherJs, type PusherJsSubscriber } from '../encryption/pusher-js-subscriber.ts';
import { startConsoleWorld, type ConsoleWorld } from './console-setup.ts';
import type { ConsoleClient } from './console-client.ts';
import { demoBotsDir, type BotFile } from './demo-bot.ts';
import { pollUntil } from './poll.ts';
import { call, openSession, subscribeToConversation } from './visitor-api.ts';

/** Real time plus an offset the test moves: everything the server stores keeps going forward. */
export interface MovableClock {
  now(): Date;
  advance(ms: number): void;
  /** From now on the clock reads `when`, and goes on from there. */
  set(when: Date): void;
}

export function movableClock(): MovableClock {
  let offset = 0;
  return {
    now: () => new Date(Date.now() + offset),
    advance(ms) {
      offset += ms;
    },
    set(when) {
      offset = when.getTime() - Date.now();
    },
  };
}

export interface Staff {
  client: ConsoleClient;
  id: string;
}

export interface HandoverWorld extends ConsoleWorld {
  clock: MovableClock;
  /** A console user of `role` serving `bots`, signed in, and available for handovers. */
  staffOnline(email: string, role: ConsoleRole, bots?: string[], displayName?: string): Promise<Staff>;
  /** A new visitor of `bot` who presses "talk to a person"; resolves once `as` sees the handover in the bot's queue. */
  visitorAskingForHuman(as: ConsoleClient, bot?: string): Promise<{ session: SessionResponse; handover: HandoverView }>;
  /** A console user's real pusher-js client on one console channel, collecting `event`. */
  follow(as: ConsoleClient, channel: string, event: string): Promise<PusherJsSubscriber>;
  /** The visitor's real pusher-js client on their conversation channel. */
  visitorChannel(session: SessionResponse, event: 'message' | 'typing'): Promise<PusherJsSubscriber>;
}

/**
 * The demo bot for handover tests: open at all hours unless `businessHours` (the demo bot's Oslo
 * hours, for the test that sets the clock), and a budget that lets a test talk without meeting the
 * rate limit; and a second bot, `shop`, the same but another bot, for "another bot's handover".
 */
export function handoverBotsDir(patch: (bot: BotFile) => void = () => {}, businessHours = false): string {
  let written: BotFile | undefined;
  const dir = demoBotsDir((bot) => {
    bot.policy = { ...bot.policy, messagesPerMinute: 600 };
    if (!businessHours) delete (bot.handover as { businessHours?: unknown }).businessHours;
    patch(bot);
    written = bot;
  });
  writeFileSync(join(dir, 'shop.json'), JSON.stringify(written));
  return dir;
}

export async function startHandoverWorld(
  storeEnv: Record<string, string>,
  opts: { env?: Record<string, string>; botPatch?: (bot: BotFile) => void; businessHours?: boolean } = {},
): Promise<HandoverWorld> {
  const clock = movableClock();
  const world = await startConsoleWorld(
    storeEnv,
    { BOTS_DIR: handoverBotsDir(opts.botPatch, opts.businessHours), RATE_AUTH_PER_IP: '100000', HANDOVER_SWEEP_INTERVAL: '100ms', ...opts.env },
    { clock: clock.now },
  );
  const origin = new URL(world.url).origin;
  return {
    ...world,
    clock,
    async staffOnline(email, role, bots = ['demo'], displayName) {
      const staff = await world.staff(email, role, bots, displayName);
      const presence = await staff.client.request('PUT', '/presence', { available: true });
      if (presence.status !== 200) throw new Error(`presence answered ${presence.status} ${JSON.stringify(presence.body)}`);
      return staff;
    },
    async visitorAskingForHuman(as, bot = 'demo') {
      const session = await openSession(world.url, { bot });
      const asked = await call(world.url, '/api/v1/messages', { token: session.token, json: { clientId: 'human', action: 'handover:yes' } });
      if (asked.status !== 202) throw new Error(`asking for a human answered ${asked.status}`);
      const listed = await pollUntil(
        () => as.request<{ handovers: HandoverView[] }>('GET', '/handovers?limit=200'),
        (answer) => answer.body.handovers?.some((h) => h.conversationId === session.conversationId),
        'the handover in the queue',
        // A bound, not a wait. A handover bot's turn is some twenty FerretDB calls (staffing, the
        // turn, the queue's event); with the whole suite beside it on two cores each can take a
        // second, and one that fails (SQLITE_BUSY) leaves the turn for the next scan.
        90_000,
      );
      return { session, handover: listed.body.handovers.find((h) => h.conversationId === session.conversationId)! };
    },
    async follow(as, channel, event) {
      // What the console app does: ask the server where the relay is, then authorize through it.
      const realtime = await as.request<RealtimeClientConfig>('GET', '/realtime');
      if (realtime.status !== 200) throw new Error(`console realtime config answered ${realtime.status}`);
      return subscribeWithPusherJs({
        key: realtime.body.key,
        host: '127.0.0.1',
        port: world.port,
        channel,
        event,
        origin,
        authorize: async (socketId, channelName) => {
          const answer = await as.request<{ auth: string; shared_secret: string }>('POST', '/realtime/auth', { socket_id: socketId, channel_name: channelName });
          if (answer.status !== 200) throw new Error(`console channel auth answered ${answer.status} ${JSON.stringify(answer.body)}`);
          return answer.body;
        },
      });
    },
    visitorChannel(session, event) {
      return subscribeToConversation({ url: world.url, port: world.port }, session, event);
    },
  };
}

/** The visitor's messages in history, once `done` holds for them. */
export function visitorHistoryUntil(world: { url: string }, token: string, done: (messages: ChatMessage[]) => boolean, what: string): Promise<ChatMessage[]> {
  return pollUntil(
    async () => (await call(world.url, '/api/v1/messages?after=0', { token })).body.messages as ChatMessage[],
    done,
    what,
  );
}
