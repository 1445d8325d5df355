// Revealing the personal values masked in a transcript: only for roles that may, with a reason
// that goes into the audit log. What is revealed stays on this screen only. Shared by the handover
// conversation and the conversation browser: each passes the request of its own route.
import { Fragment } from 'preact';
import { useId, useState } from 'preact/hooks';
import type { RevealedValues } from '../../../common/handover-wire.ts';
import { useAction } from '../action.ts';
import { ErrorText, Form } from '../form.tsx';
import { useSession } from '../session.ts';

/** RevealRequest.reason's bounds on the server. */
const MIN_REASON = 5;
const MAX_REASON = 500;

interface RevealProps {
  /** The route's request: POST …/reveal with the session's CSRF token and the reason. */
  reveal: (csrf: string, reason: string) => Promise<RevealedValues>;
  revealed: RevealedValues | null;
  onRevealed: (values: RevealedValues) => void;
}

export function Reveal({ reveal, revealed, onRevealed }: RevealProps) {
  const { session } = useSession();
  const id = useId();
  const [reason, setReason] = useState('');
  const action = useAction();
  const submit = () => action.run(async () => onRevealed(await reveal(session.csrfToken, reason.trim())));
  return (
    <section class="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Personal data</h2>
      {revealed ? (
        revealed.values.length === 0 ? (
          <p>The transcript above is shown unmasked. No form values were collected.</p>
        ) : (
          <>
            <p>The transcript above is shown unmasked. Values the visitor gave:</p>
            <dl class="facts">
              {revealed.values.map((v, i) => (
                <Fragment key={i}>
                  <dt>
                    {v.key} ({v.pii})
                  </dt>
                  <dd dir="auto">{v.value}</dd>
                </Fragment>
              ))}
            </dl>
          </>
        )
      ) : (
        <Form label="Reveal personal data" onSubmit={submit}>
          <div class="field">
            <label for={`${id}-reason`}>Reason (recorded in the audit log)</label>
            <input id={`${id}-reason`} required minLength={MIN_REASON} maxLength={MAX_REASON} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
          </div>
          <ErrorText message={action.error} />
          <button type="submit" disabled={action.busy}>
            Reveal personal data
          </button>
        </Form>
      )}
    </section>
  );
}
