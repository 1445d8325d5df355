// The holder's reply box: a canned reply can fill it (and be edited before sending), Enter sends
// (Shift+Enter for a new line), and typing is told to the visitor through common/typing-signal.ts.
// A failed send keeps the text; sending it again unchanged reuses its clientId, so a send whose
// answer was lost is stored at most once.
import { useEffect, useId, useMemo, useState } from 'preact/hooks';
import type { CannedReply } from '../../../common/handover-wire.ts';
import { typingSignal } from '../../../common/typing-signal.ts';
import { MAX_TEXT_LENGTH, type ChatMessage } from '../../../common/wire.ts';
import { cannedReplies, postOperatorMessage, sendTyping } from '../../api.ts';
import { useAction } from '../action.ts';
import { ErrorText } from '../form.tsx';
import { useSession } from '../session.ts';

function newClientId(): string {
  return crypto.randomUUID();
}

export function Reply({ handoverId, botId, onSent }: { handoverId: string; botId: string; onSent: (message: ChatMessage) => void }) {
  const { session } = useSession();
  const id = useId();
  const [text, setText] = useState('');
  const [clientId, setClientId] = useState(newClientId);
  const [canned, setCanned] = useState<CannedReply[]>([]);
  const send = useAction();
  const typing = useMemo(
    () => typingSignal((on) => void sendTyping(session.csrfToken, handoverId, on).catch(() => undefined)),
    [session.csrfToken, handoverId],
  );
  useEffect(() => () => typing.reset(), [typing]);
  useEffect(() => {
    cannedReplies(botId).then(setCanned, () => setCanned([]));
  }, [botId]);

  const edit = (value: string): void => {
    setText(value);
    setClientId(newClientId()); // other words: another message
    typing.input(value.trim() !== '');
  };
  const submit = (): void => {
    const trimmed = text.trim();
    if (!trimmed || send.busy) return;
    typing.reset(); // the message itself ends "is typing" for the visitor
    void send.run(async () => {
      onSent(await postOperatorMessage(session.csrfToken, handoverId, { clientId, text: trimmed }));
      setText('');
      setClientId(newClientId());
    });
  };

  return (
    <section class="reply" aria-label="Reply">
      {canned.length > 0 && (
        <div class="field">
          <label for={`${id}-canned`}>Canned reply</label>
          <select
            id={`${id}-canned`}
            value=""
            onChange={(e) => {
              const reply = canned.find((c) => c.id === e.currentTarget.value);
              if (reply) edit(text.trim() ? `${text.trimEnd()}\n${reply.text}` : reply.text);
              e.currentTarget.value = '';
            }}
          >
            <option value="">Choose one to insert…</option>
            {canned.map((c) => (
              <option key={c.id} value={c.id}>
                {c.label}
              </option>
            ))}
          </select>
        </div>
      )}
      <div class="field">
        <label for={`${id}-text`}>Your reply to the visitor</label>
        <textarea
          id={`${id}-text`}
          rows={3}
          dir="auto"
          maxLength={MAX_TEXT_LENGTH}
          value={text}
          aria-describedby={`${id}-hint`}
          onInput={(e) => edit(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
              e.preventDefault();
              submit();
            }
          }}
        />
        <p class="hint" id={`${id}-hint`}>
          Enter sends, Shift+Enter starts a new line.
        </p>
      </div>
      <ErrorText message={send.error} />
      <button type="button" class="primary" disabled={send.busy} onClick={submit}>
        Send reply
      </button>
    </section>
  );
}
