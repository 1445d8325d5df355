// One message bubble. Text is always rendered as a text node (JSX children), never as HTML, so
// markup in a message is shown and never run. dir="auto" isolates right-to-left and bidi tricks.
import type { ChatMessage } from '../../../common/wire.ts';
import { safeHref } from '../chat/links.ts';
import type { Pending } from '../chat/merge.ts';
import type { Strings } from '../i18n/index.ts';

export function MessageBubble({ message, text, t }: { message: ChatMessage; text: string; t: Strings }) {
  const links = (message.links ?? []).flatMap((l) => {
    const href = safeHref(l?.url);
    return href && typeof l.label === 'string' ? [{ href, label: l.label }] : [];
  });
  const who = { visitor: t.you, bot: t.bot, operator: message.author ?? t.system, system: t.system }[message.sender] ?? t.system;
  return (
    <div class={`msg ${message.sender}`} data-id={message.id}>
      <span class="sr-only">{who}: </span>
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
