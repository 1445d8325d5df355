// Internal notes on a handover: for colleagues only, never sent to the visitor.
import { useId, useState } from 'preact/hooks';
import type { HandoverNoteView } from '../../../common/handover-wire.ts';
import { addNote } from '../../api.ts';
import { useAction } from '../action.ts';
import { ErrorText, Form } from '../form.tsx';
import { useSession } from '../session.ts';
import { when } from './labels.ts';

/** NoteRequest.text's limit on the server. */
const MAX_NOTE = 2000;

export function Notes({ handoverId, notes, canAdd, onAdded }: { handoverId: string; notes: readonly HandoverNoteView[]; canAdd: boolean; onAdded: (note: HandoverNoteView) => void }) {
  const { session } = useSession();
  const id = useId();
  const [text, setText] = useState('');
  const action = useAction();
  const submit = () =>
    action.run(async () => {
      if (!text.trim()) return;
      onAdded(await addNote(session.csrfToken, handoverId, { text: text.trim() }));
      setText('');
    });
  return (
    <section class="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Internal notes</h2>
      <p class="muted">Only colleagues see these; the visitor never does.</p>
      {notes.length === 0 ? (
        <p>No notes yet.</p>
      ) : (
        <ul class="notes">
          {notes.map((n) => (
            <li key={n.id}>
              <p class="said">
                <span class="who">{n.author.displayName}</span> <time dateTime={n.createdAt}>{when(n.createdAt)}</time>
              </p>
              <p class="text" dir="auto">
                {n.text}
              </p>
            </li>
          ))}
        </ul>
      )}
      {canAdd && (
        <Form label="Add an internal note" onSubmit={submit}>
          <div class="field">
            <label for={`${id}-text`}>New note</label>
            <textarea id={`${id}-text`} rows={2} dir="auto" maxLength={MAX_NOTE} value={text} onInput={(e) => setText(e.currentTarget.value)} />
          </div>
          <ErrorText message={action.error} />
          <button type="submit" disabled={action.busy}>
            Add note
          </button>
        </Form>
      )}
    </section>
  );
}
