// A conversation as the operator reads it: who said what, when. The text is what the server sent
// (masked unless revealed), always as text nodes, never HTML.
import { useEffect, useRef } from 'preact/hooks';
import type { ChatMessage } from '../../../common/wire.ts';
import { when } from './labels.ts';

function speaker(m: ChatMessage): string {
  if (m.sender === 'operator') return m.author || 'Operator';
  return { visitor: 'Visitor', bot: 'Bot', system: 'Notice' }[m.sender];
}

/** `annotate`: a word after a message's time (the conversation browser says what each visitor turn did). */
export function Transcript({ messages, label, annotate }: { messages: readonly ChatMessage[]; label: string; annotate?: (m: ChatMessage) => string | undefined }) {
  const ref = useRef<HTMLDivElement>(null);
  // Keep the newest message in view as they arrive.
  useEffect(() => {
    const list = ref.current;
    if (list) list.scrollTop = list.scrollHeight;
  }, [messages]);
  return (
    <div class="transcript" ref={ref} role="log" aria-label={label} tabIndex={0}>
      <ol>
        {messages.map((m) => (
          <li key={m.id} class={`line ${m.sender}`} data-id={m.id}>
            <p class="said">
              <span class="who">{speaker(m)}</span> <time dateTime={m.createdAt}>{when(m.createdAt)}</time>
              {annotate?.(m) && <span class="annotation"> · {annotate(m)}</span>}
            </p>
            <p class="text" dir="auto">
              {m.text}
            </p>
          </li>
        ))}
      </ol>
    </div>
  );
}
