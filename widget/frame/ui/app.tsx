// The chat frame's UI: header (with the conversation's menu: download it, delete it), the
// conversation as a live region (with the rating under the notice of an operator who left), typing
// and connection status, quick replies under the latest bot message, and the composer. Once the
// visitor deleted the conversation, only that is said, with a way to start another.
import { Fragment } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { exportFileName } from '../../../common/data-protection-wire.ts';
import { downloadJson } from '../../../common/json-download.ts';
import type { Chat } from '../chat/chat.ts';
import { shownText } from '../chat/merge.ts';
import { fill, type Strings } from '../i18n/index.ts';
import { Composer } from './composer.tsx';
import { ConversationMenu } from './conversation-menu.tsx';
import { EraseConfirm } from './erase-confirm.tsx';
import { Header } from './header.tsx';
import { MessageBubble, PendingBubble } from './message.tsx';
import { QuickReplies } from './quick-replies.tsx';
import { Rating } from './rating.tsx';
import { useChatState } from './use-chat-state.ts';

export function App({ chat, t, onClose, focusSignal }: { chat: Chat; t: Strings; onClose: () => void; focusSignal: number }) {
  const state = useChatState(chat);
  const logRef = useRef<HTMLDivElement>(null);
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const last = state.messages[state.messages.length - 1];
  const replies = last && last.sender !== 'visitor' && !state.pending.length ? (last.quickReplies ?? []) : [];
  const { operator, rateable } = state.handover;
  const [notice, setNotice] = useState('');
  const [erasing, setErasing] = useState<'no' | 'asking' | 'busy'>('no');
  const [eraseError, setEraseError] = useState('');
  const startAgain = useRef<HTMLButtonElement>(null);
  const erased = state.phase === 'erased';
  // Where focus goes once the conversation is gone: the one thing left to do.
  useEffect(() => {
    if (erased) startAgain.current?.focus();
  }, [erased]);

  const download = (): void => {
    setNotice('');
    chat.download().then(
      (exported) => {
        downloadJson(exported, exportFileName());
        setNotice(t.downloaded);
      },
      () => setNotice(t.downloadFailed),
    );
  };
  const erase = (): void => {
    setErasing('busy');
    setEraseError('');
    chat.erase().then(
      () => setErasing('no'),
      () => {
        setErasing('asking');
        setEraseError(t.eraseFailed);
      },
    );
  };
  const typing = state.typing === 'operator' ? fill(t.operatorTyping, { name: operator ?? t.operator }) : state.typing ? t.typing : '';

  useEffect(() => {
    const log = logRef.current;
    if (log) log.scrollTop = log.scrollHeight;
  }, [state.messages, state.pending, state.typing]);
  // The composer takes keys from the moment the chat opens, session or not (what is sent waits for
  // it): focused at once, nothing the visitor types is lost. Disabled only when there is no chat.
  const closed = state.phase === 'unavailable' || erased;
  useEffect(() => {
    if (focusSignal > 0 && !closed) inputRef.current?.focus();
  }, [focusSignal, closed]);

  const status =
    state.phase === 'unavailable'
      ? t.unavailable
      : state.phase === 'starting' || state.connection === 'connecting'
        ? t.connecting
        : state.connection === 'reconnecting'
          ? t.reconnecting
          : '';

  return (
    // data-phase: the session's state, for tests that wait for it (the composer no longer tells).
    <div class="app" data-phase={state.phase}>
      <Header
        t={t}
        title={state.title}
        onClose={onClose}
        actions={
          <ConversationMenu
            t={t}
            disabled={state.phase !== 'ready'}
            onDownload={download}
            onErase={() => {
              setNotice('');
              setEraseError('');
              setErasing('asking');
            }}
          />
        }
      />
      <p class="notice-line" role="status">
        {erased ? t.erased : notice}
      </p>
      {erasing !== 'no' && !erased && (
        <EraseConfirm t={t} busy={erasing === 'busy'} error={eraseError} onConfirm={erase} onCancel={() => setErasing('no')} />
      )}
      {erased ? (
        <div class="erased">
          <button
            type="button"
            class="send"
            ref={startAgain}
            onClick={() => {
              setNotice('');
              void chat.start();
            }}
          >
            {t.startAgain}
          </button>
        </div>
      ) : (
        <div class="log" role="log" aria-label={t.log} ref={logRef} tabIndex={0}>
          {state.messages.map((m, i) => (
            <Fragment key={m.id}>
              <MessageBubble message={m} text={shownText(state.messages, i)} t={t} />
              {rateable?.noticeId === m.id && <Rating key={m.id} name={rateable.name} t={t} onRate={chat.rate} onDone={() => inputRef.current?.focus()} />}
            </Fragment>
          ))}
          {state.pending.map((p) => (
            <PendingBubble key={p.clientId} pending={p} t={t} onRetry={chat.retry} />
          ))}
        </div>
      )}
      <QuickReplies
        replies={replies}
        t={t}
        onPick={(r) => {
          chat.sendAction(r.label, r.action);
          inputRef.current?.focus(); // the buttons vanish; keep keyboard users in the composer
        }}
      />
      <div class="status" role="status">
        {typing ? (
          <span class="typing">
            <span class="dots" aria-hidden="true">
              <i />
              <i />
              <i />
            </span>
            {typing}
          </span>
        ) : (
          status
        )}
      </div>
      <Composer t={t} disabled={closed} onSend={chat.sendText} onEdit={chat.typed} inputRef={inputRef} />
    </div>
  );
}
