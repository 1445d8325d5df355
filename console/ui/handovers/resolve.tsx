// Ending a handover: a resolution code and an optional internal note. The visitor is told the
// operator left (and may rate), and the bot answers again.
import { useId, useState } from 'preact/hooks';
import { RESOLUTION_CODES, type HandoverView, type ResolutionCode } from '../../../common/handover-wire.ts';
import { resolveHandover } from '../../api.ts';
import { useAction } from '../action.ts';
import { ErrorText, Form } from '../form.tsx';
import { useSession } from '../session.ts';
import { RESOLUTION_LABEL } from './labels.ts';

/** ResolveRequest.note's limit on the server. */
const MAX_NOTE = 2000;

export function Resolve({ handoverId, onResolved }: { handoverId: string; onResolved: (view: HandoverView) => void }) {
  const { session } = useSession();
  const id = useId();
  const [code, setCode] = useState<ResolutionCode>('answered');
  const [note, setNote] = useState('');
  const action = useAction();
  const submit = () =>
    action.run(async () => {
      const trimmed = note.trim();
      onResolved(await resolveHandover(session.csrfToken, handoverId, trimmed ? { code, note: trimmed } : { code }));
    });
  return (
    <section class="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Resolve</h2>
      <Form label="Resolve the conversation" onSubmit={submit}>
        <div class="field">
          <label for={`${id}-code`}>Outcome</label>
          <select id={`${id}-code`} value={code} onChange={(e) => setCode(e.currentTarget.value as ResolutionCode)}>
            {RESOLUTION_CODES.map((c) => (
              <option key={c} value={c}>
                {RESOLUTION_LABEL[c]}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for={`${id}-note`}>Internal note (optional)</label>
          <textarea id={`${id}-note`} rows={2} dir="auto" maxLength={MAX_NOTE} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
        </div>
        <ErrorText message={action.error} />
        <button type="submit" class="primary" disabled={action.busy}>
          Resolve and hand back to the bot
        </button>
      </Form>
    </section>
  );
}
