// One handover: what it is, the conversation so far (masked), live while shown, and what the
// caller may do with it: take it, reply, note, resolve; reassign and reveal for the roles that may.
// The server decides every one of these; this screen only offers what it would allow.
import { useEffect, useState } from 'preact/hooks';
import {
  consoleConversationChannel,
  EVENT_CONSOLE_MESSAGE,
  EVENT_CONSOLE_TYPING,
  EVENT_HANDOVER,
  type HandoverDetail,
  type HandoverNoteView,
  type HandoverView,
  type RevealedValues,
} from '../../../common/handover-wire.ts';
import { isChatMessage, mergeMessages } from '../../../common/timeline.ts';
import { TYPING_SHOWN_MS } from '../../../common/typing-signal.ts';
import type { ChatMessage } from '../../../common/wire.ts';
import { ApiError, getHandover, revealHandover, takeHandover } from '../../api.ts';
import { useAction } from '../action.ts';
import { ErrorText } from '../form.tsx';
import { Heading } from '../heading.tsx';
import { useSession } from '../session.ts';
import { SOURCE_LABEL, STATE_LABEL, RESOLUTION_LABEL, when } from './labels.ts';
import { useChannel } from './live.ts';
import { Notes } from './notes.tsx';
import { isHandoverView } from './queue.ts';
import { Reassign } from './reassign.tsx';
import { Reply } from './reply.tsx';
import { Resolve } from './resolve.tsx';
import { Reveal } from './reveal.tsx';
import { Transcript } from './transcript.tsx';

const TAKEN_BY_SOMEONE_ELSE = 'Someone else took this conversation first. It is no longer waiting.';

/** The visitor's "is typing", hidden again when no refresh comes (a lost "stopped"). */
function useVisitorTyping(): [boolean, (typing: boolean) => void] {
  const [typing, setTyping] = useState(false);
  const [stamp, setStamp] = useState(0);
  useEffect(() => {
    if (!typing) return;
    const timer = setTimeout(() => setTyping(false), TYPING_SHOWN_MS);
    return () => clearTimeout(timer);
  }, [typing, stamp]);
  return [
    typing,
    (next) => {
      setTyping(next);
      setStamp((s) => s + 1);
    },
  ];
}

export function Conversation({ initial, mayReassign, onChange, onBack }: { initial: HandoverView; mayReassign: boolean; onChange: (view: HandoverView) => void; onBack: () => void }) {
  const { session } = useSession();
  const me = session.user.id;
  const [view, setView] = useState(initial);
  const [messages, setMessages] = useState<readonly ChatMessage[]>([]);
  const [notes, setNotes] = useState<readonly HandoverNoteView[]>([]);
  const [detail, setDetail] = useState<HandoverDetail | null>(null);
  const [revealed, setRevealed] = useState<RevealedValues | null>(null);
  const [visitorTyping, setVisitorTyping] = useVisitorTyping();
  const load = useAction();
  const take = useAction();
  const [takeRefused, setTakeRefused] = useState('');

  const update = (next: HandoverView): void => {
    setView(next);
    onChange(next);
  };
  const addMessages = (incoming: readonly unknown[]): void => {
    const valid = incoming.filter((m): m is ChatMessage => isChatMessage(m) && m.conversationId === view.conversationId);
    if (valid.some((m) => m.sender === 'visitor')) setVisitorTyping(false);
    setMessages((held) => mergeMessages(held, valid));
  };
  const refresh = (): void =>
    void load.run(async () => {
      const next = await getHandover(view.id);
      setDetail(next);
      setNotes(next.notes);
      addMessages(next.messages);
      update(next.handover);
    });
  useEffect(refresh, [view.id]);

  const holder = view.state === 'assigned' && view.assignee?.id === me;
  const open = view.state === 'waiting' || view.state === 'assigned';
  // The conversation channel is signed for its holder and for supervisors/administrators of its bot.
  useChannel(holder || mayReassign ? consoleConversationChannel(view.conversationId) : null, {
    events: {
      [EVENT_CONSOLE_MESSAGE]: (data) => addMessages([data]),
      [EVENT_CONSOLE_TYPING]: (data) => setVisitorTyping((data as { typing?: unknown } | null)?.typing === true),
      [EVENT_HANDOVER]: (data) => isHandoverView(data) && data.id === view.id && update(data),
    },
    subscribed: refresh,
  });

  const takeIt = () =>
    take.run(async () => {
      setTakeRefused('');
      try {
        update(await takeHandover(session.csrfToken, view.id));
      } catch (err) {
        if (!(err instanceof ApiError && err.code === 'already_taken')) throw err;
        setTakeRefused(TAKEN_BY_SOMEONE_ELSE);
        refresh();
      }
    });

  const shown = revealed ? mergeMessages(revealed.messages, messages) : messages;
  return (
    <>
      <button type="button" class="link" onClick={onBack}>
        ← Back to handovers
      </button>
      <Heading>Conversation on {view.botId}</Heading>
      <section class="card" aria-label="About this handover">
        <dl class="facts">
          <dt>State</dt>
          <dd>
            {STATE_LABEL[view.state]}
            {view.assignee && ` · ${view.assignee.id === me ? 'you' : view.assignee.displayName}`}
          </dd>
          <dt>Why</dt>
          <dd>{SOURCE_LABEL[view.source]}</dd>
          <dt>Page</dt>
          <dd>{view.origin}</dd>
          <dt>Started</dt>
          <dd>
            <time dateTime={view.startedAt}>{when(view.startedAt)}</time>
          </dd>
          {view.resolution && (
            <>
              <dt>Outcome</dt>
              <dd>{RESOLUTION_LABEL[view.resolution]}</dd>
            </>
          )}
          {view.rating && (
            <>
              <dt>Rating</dt>
              <dd>
                {view.rating.score} of 5{view.rating.comment && `: ${view.rating.comment}`}
              </dd>
            </>
          )}
        </dl>
        {view.state === 'waiting' && (
          <button type="button" class="primary" disabled={take.busy} onClick={() => void takeIt()}>
            Take this conversation
          </button>
        )}
        <ErrorText message={takeRefused || take.error} />
      </section>

      <section class="card" aria-label="Conversation">
        <ErrorText message={load.error} />
        <Transcript messages={shown} label={revealed ? 'Conversation, unmasked' : 'Conversation, personal data masked'} />
        <p class="typing-line" role="status">
          {holder && visitorTyping ? 'The visitor is typing…' : ''}
        </p>
        {holder && <Reply handoverId={view.id} botId={view.botId} onSent={(m) => addMessages([m])} />}
        {!holder && open && !mayReassign && <p class="muted">Take the conversation to follow it live and reply.</p>}
      </section>

      <Notes handoverId={view.id} notes={notes} canAdd={holder} onAdded={(n) => setNotes((list) => [...list.filter((x) => x.id !== n.id), n])} />
      {open && (holder || mayReassign) && <Resolve handoverId={view.id} onResolved={update} />}
      {open && mayReassign && detail?.assignable && <Reassign view={view} operators={detail.assignable} onReassigned={update} />}
      {detail?.mayReveal && <Reveal reveal={(csrf, reason) => revealHandover(csrf, view.id, { reason })} revealed={revealed} onRevealed={setRevealed} />}
    </>
  );
}
