// The conversation as the frame sees it: one small observable state plus the actions the UI calls.
// It owns the order of things: session first (its answer carries the first messages), then the
// rest of the history if that page was full, then the channel; every fill and every live event
// goes through the same merge, so nothing shows twice and gaps are fetched. What the visitor sends
// while the session starts waits for it, shown as sending.
import { TYPING_SHOWN_MS, typingSignal } from '../../../common/typing-signal.ts';
import { MAX_TEXT_LENGTH, SESSION_MESSAGES, type ChatMessage, type RatingRequest, type Sender, type SessionResponse } from '../../../common/wire.ts';
import { isHttpError, type Api } from './api.ts';
import { handoverStatus, type HandoverStatus } from './handover.ts';
import { isChatMessage, lastId, mergeMessages } from '../../../common/timeline.ts';
import { leavesGap, settle, type Pending } from './merge.ts';
import { connectRealtime, type ConnectionStatus, type Realtime, type Typist } from './realtime.ts';

export interface ChatState {
  /** `erased`: the visitor deleted the conversation; nothing of it is held until they start another. */
  phase: 'starting' | 'ready' | 'unavailable' | 'erased';
  messages: readonly ChatMessage[];
  pending: readonly Pending[];
  /** Who is typing to the visitor, if anyone. */
  typing: Typist | null;
  /** Derived from `messages`: who holds the conversation, whether a rating is offered. */
  handover: HandoverStatus;
  connection: ConnectionStatus;
  /** The bot's name once the session is known. */
  title?: string;
}

export interface ChatEvents {
  /** A message the visitor had not seen before this page load (for the host page's badge). */
  fresh(id: number, sender: Sender): void;
  active(active: boolean): void;
}

/** The bot says when it stops; the operator's client refreshes while typing (common/typing-signal.ts). */
const TYPING_TIMEOUT_MS: Record<Typist, number> = { bot: 15_000, operator: TYPING_SHOWN_MS };
/** The server's default page size for GET /messages: a full page means there may be more. */
const HISTORY_PAGE = 1000;
const RECONNECT_POLL_MS = 4000;

function newClientId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The chat over `api`, whose session the frame's first script may have started already (see start). */
export function createChat(api: Api, events: ChatEvents) {
  let state: ChatState = { phase: 'starting', messages: [], pending: [], typing: null, handover: handoverStatus([]), connection: 'connecting' };
  const listeners = new Set<(s: ChatState) => void>();
  let baseline = Infinity; // ids above this arrived after the page loaded
  let typingTimer: ReturnType<typeof setTimeout> | undefined;

  // The visitor's typing goes to the operator only while one holds the conversation: before the
  // "joined" notice there is no one to tell, and after "left" the bot does not care.
  const visitorTyping = typingSignal((typing) => {
    api.typing({ typing }).catch((err: unknown) => console.warn('Parley: typing not sent', err));
  });

  const set = (patch: Partial<ChatState>): void => {
    state = { ...state, ...patch };
    if (patch.messages) state.handover = handoverStatus(state.messages);
    for (const fn of listeners) fn(state);
  };

  const merge = (incoming: readonly unknown[]): void => {
    const conversationId = api.session()?.conversationId;
    const valid = incoming.filter((m): m is ChatMessage => isChatMessage(m) && m.conversationId === conversationId);
    const messages = mergeMessages(state.messages, valid);
    if (messages === state.messages) return;
    const old = new Set(state.messages.map((m) => m.id));
    const added = messages.filter((m) => !old.has(m.id));
    const botSpoke = added.some((m) => m.sender !== 'visitor');
    if (botSpoke) clearTimeout(typingTimer);
    set({ messages, pending: settle(state.pending, messages), typing: botSpoke ? null : state.typing });
    if (!state.handover.operator) visitorTyping.reset();
    for (const m of added) if (m.id > baseline) events.fresh(m.id, m.sender);
  };

  let filling = false;
  let fillAgain = false;
  /** Fetches everything after the last id held; false when the server could not be reached. */
  const fill = async (): Promise<boolean> => {
    if (filling) {
      fillAgain = true;
      return true;
    }
    filling = true;
    try {
      let more: boolean;
      do {
        fillAgain = false;
        const before = lastId(state.messages);
        const page = await api.history(before);
        merge(page);
        more = page.length >= HISTORY_PAGE && lastId(state.messages) > before;
      } while (fillAgain || more);
      return true;
    } catch (err) {
      console.warn('Parley: could not fetch history', err);
      return false;
    } finally {
      filling = false;
    }
  };

  const onLive = (data: unknown): void => {
    if (!isChatMessage(data)) return;
    if (leavesGap(state.messages, data)) void fill();
    merge([data]);
  };

  const onTyping = (typing: boolean, who: Typist): void => {
    if (!typing && state.typing !== who) return; // someone else's "stopped"
    clearTimeout(typingTimer);
    // Never leave the indicator on if the "stopped" event is lost.
    if (typing) typingTimer = setTimeout(() => set({ typing: null }), TYPING_TIMEOUT_MS[who]);
    set({ typing: typing ? who : null });
  };

  // The latest start, settled once the chat is ready (or unavailable): sends wait for it.
  let starting: Promise<unknown> = Promise.resolve();

  const deliver = async (pending: Pending): Promise<void> => {
    try {
      await starting;
      const message = await api.send({ clientId: pending.clientId, ...pending.request });
      merge([message]);
    } catch (err) {
      console.warn('Parley: send failed', err);
      set({ pending: state.pending.map((p) => (p.clientId === pending.clientId ? { ...p, status: 'failed' } : p)) });
    }
  };

  const enqueue = (text: string, request: Pending['request']): void => {
    const pending: Pending = { clientId: newClientId(), text, request, status: 'sending' };
    set({ pending: [...state.pending, pending] });
    void deliver(pending);
  };

  // While the socket is down, poll history so replies still arrive, and once the server answers
  // again, restart the socket at once rather than after pusher-js's back-off (up to a minute).
  let realtime: Realtime | null = null;
  let poll: ReturnType<typeof setInterval> | undefined;
  const onStatus = (connection: ConnectionStatus): void => {
    set({ connection });
    if (connection === 'connected') {
      clearInterval(poll);
      poll = undefined;
    } else if (connection === 'reconnecting' && poll === undefined) {
      poll = setInterval(async () => {
        if ((await fill()) && state.connection !== 'connected') realtime?.kick();
      }, RECONNECT_POLL_MS);
    }
  };

  const connect = (session: SessionResponse): void => {
    realtime = connectRealtime(session, api.channelAuth, {
      message: onLive,
      typing: onTyping,
      fill: () => void fill(),
      status: onStatus,
    });
  };

  // A renewal opened a new conversation (the old one was deleted or archived). What the frame
  // holds is the old one's: its ids would hide the new messages as already seen, and its channel
  // is no longer ours. Start over on the new conversation: its channel, its history from the start.
  const moveTo = (session: SessionResponse): void => {
    realtime?.stop();
    clearInterval(poll);
    poll = undefined;
    clearTimeout(typingTimer);
    baseline = 0; // every message of the new conversation is news to the visitor
    visitorTyping.reset();
    set({ messages: [], typing: null, title: session.botName });
    merge(session.messages);
    if (session.messages.length >= SESSION_MESSAGES) void fill();
    connect(session);
  };
  api.onNewConversation(moveTo);

  const begin = async (started: Promise<SessionResponse>): Promise<void> => {
    if (state.phase !== 'starting') set({ phase: 'starting' });
    try {
      const session = await started;
      events.active(true);
      merge(session.messages);
      // A full page may have more after it: fetch it now, so none of it counts as news below.
      if (session.messages.length >= SESSION_MESSAGES) await fill();
      baseline = lastId(state.messages);
      set({ phase: 'ready', title: session.botName });
      connect(session);
    } catch (err) {
      console.warn('Parley: chat unavailable', err);
      if (isHttpError(err) && err.status >= 400 && err.status < 500) events.active(false);
      set({ phase: 'unavailable' });
      throw err; // what waits on this start is not sent
    }
  };
  /** Starts the session, or takes over one the frame's first script started already. */
  const start = (started: Promise<SessionResponse> = api.start()): Promise<void> => {
    const run = begin(started);
    starting = run;
    return run.catch(() => {});
  };

  // Also while the session starts: the visitor types at once, deliver waits for the session.
  const canSend = (): boolean => state.phase === 'ready' || state.phase === 'starting';

  return {
    start,
    get: (): ChatState => state,
    subscribe(fn: (s: ChatState) => void): () => void {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    /** Sends trimmed text; returns false when there is nothing (or too much) to send. */
    sendText(text: string): boolean {
      const trimmed = text.trim();
      if (!trimmed || trimmed.length > MAX_TEXT_LENGTH || !canSend()) return false;
      visitorTyping.reset(); // the message itself ends the operator's "is typing"
      enqueue(trimmed, { text: trimmed });
      return true;
    },
    sendAction(label: string, action: string): void {
      if (canSend()) enqueue(label, { action });
    },
    /** The composer's text changed. */
    typed(text: string): void {
      if (state.handover.operator) visitorTyping.input(text.trim() !== '');
    },
    /** The visitor's own copy of this conversation, as the JSON document the server exports. */
    download: () => api.exportConversation(),
    /** Erases this conversation for good (server and frame); rejects, changing nothing here, when the server could not. */
    async erase(): Promise<void> {
      await api.deleteConversation();
      realtime?.stop();
      realtime = null;
      clearInterval(poll);
      poll = undefined;
      clearTimeout(typingTimer);
      visitorTyping.reset();
      events.active(false);
      set({ phase: 'erased', messages: [], pending: [], typing: null, connection: 'connecting' });
    },
    /** Rates the latest resolved handover; rejects with the server's HttpError (409 nothing_to_rate: already rated). */
    rate: (req: RatingRequest): Promise<void> => api.rate(req),
    retry(clientId: string): void {
      const pending = state.pending.find((p) => p.clientId === clientId && p.status === 'failed');
      if (!pending) return;
      const again: Pending = { ...pending, status: 'sending' };
      set({ pending: state.pending.map((p) => (p.clientId === clientId ? again : p)) });
      void deliver(again); // same clientId: the server stores it at most once
    },
    stop(): void {
      clearInterval(poll);
      realtime?.stop();
    },
  };
}

export type Chat = ReturnType<typeof createChat>;
