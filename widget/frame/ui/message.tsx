// One message bubble. Text is always rendered as a text node (JSX children), never as HTML, so
// markup in a message is shown and never run. dir="auto" isolates right-to-left and bidi tricks.
import type { ChatMessage } from '../../../common/wire.ts';
import { noticeOf } from '../chat/handover.ts';
import { safeHref } from '../chat/links.ts';
import type { Pending } from '../chat/merge.ts';
import { fill, type Strings } from '../i18n/index.ts';

/**
 * An operator joined or left: a line across the conversation, worded in the frame's language from
 * the structured notice (the message text is the same in the bot's words, for plain-text readers).
 */
function NoticeLine({ message, t }: { message: ChatMessage; t: Strings }) {
  const notice = noticeOf(message);
  const text = notice ? fill(notice.kind === 'operator-joined' ? t.joined : t.left, { name: notice.name }) : message.text;
  return (
    <div class="msg system notice" data-id={message.id}>
      <p class="bubble" dir="auto">
        {text}
      </p>
    </div>
  );
}

export function MessageBubble({ message, text, t }: { message: ChatMessage; text: string; t: Strings }) {
  if (noticeOf(message)) return <NoticeLine message={message} t={t} />;
  const links = (message.links ?? []).flatMap((l) => {
    const href = safeHref(l?.url);
    return href && typeof l.label === 'string' ? [{ href, label: l.label }] : [];
  });
  // A person answering is named on screen (first name only, as the server sends it); the others only to screen readers.
  const author = message.sender === 'operator' ? message.author || t.operator : null;
  const who = { visitor: t.you, bot: t.bot, operator: author, system: t.system }[message.sender] ?? t.system;
  return (
    <div class={`msg ${message.sender}`} data-id={message.id}>
      {author ? (
        <p class="author" dir="auto">
          {author}
          <span class="sr-only">:</span>
        </p>
      ) : (
        <span class="sr-only">{who}: </span>
      )}
      <p class="bubble" dir="auto">
        {text}
      </p>
      {links.length > 0 && (
        <ul class="links">
          {links.map((l) => (
            <li key={l.href}>
              <a href={l.href} target="_blank" rel="noopener noreferrer" dir="auto">
                {l.label}
                <span class="sr-only"> {t.newTab}</span>
              </a>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function PendingBubble({ pending, t, onRetry }: { pending: Pending; t: Strings; onRetry: (clientId: string) => void }) {
  return (
    <div class={`msg visitor ${pending.status}`}>
      <span class="sr-only">{t.you}: </span>
      <p class="bubble" dir="auto">
        {pending.text}
      </p>
      {pending.status === 'failed' ? (
        <p class="failed">
          {t.failed}{' '}
          <button type="button" class="link-button" onClick={() => onRetry(pending.clientId)}>
            {t.retry}
          </button>
        </p>
      ) : (
        <p class="note" aria-hidden="true">
          {t.sending}
        </p>
      )}
    </div>
  );
}
