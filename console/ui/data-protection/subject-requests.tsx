// Administrators: requests from data subjects. Name one conversation, or one verified visitor of a
// bot (the `sub` the site signs), then export everything Parley holds about it as a JSON file, or
// erase it after a confirmation. The server records that it happened, never whose or what.
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { exportFileName, type SubjectRequest } from '../../../common/data-protection-wire.ts';
import { downloadJson } from '../../../common/json-download.ts';
import { eraseSubject, exportSubject, listBotSettings } from '../../api.ts';
import { useAction } from '../action.ts';
import { ErrorText, Field, Form, Notice } from '../form.tsx';
import { Heading } from '../heading.tsx';
import { useSession } from '../session.ts';

type Scope = 'conversation' | 'visitor';

const conversations = (n: number) => `${n} conversation${n === 1 ? '' : 's'}`;

/** The erasure's second step: said plainly, focused at once, cancelled as easily as confirmed. */
function ConfirmErase({ what, busy, onConfirm, onCancel }: { what: string; busy: boolean; onConfirm: () => void; onCancel: () => void }) {
  const id = useId();
  const ref = useRef<HTMLButtonElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <div class="card confirm" role="alertdialog" aria-labelledby={`${id}-title`} aria-describedby={`${id}-text`}>
      <h2 id={`${id}-title`}>Erase for good?</h2>
      <p id={`${id}-text`}>
        Everything Parley holds about {what} goes: messages, collected values, handovers and their notes, live and archived. This cannot be undone.
      </p>
      <div class="actions">
        <button type="button" class="danger" disabled={busy} onClick={onConfirm}>
          Erase for good
        </button>
        <button type="button" ref={ref} disabled={busy} onClick={onCancel}>
          Cancel
        </button>
      </div>
    </div>
  );
}

export function SubjectRequests() {
  const { session } = useSession();
  const id = useId();
  const [scope, setScope] = useState<Scope>('conversation');
  const [conversationId, setConversationId] = useState('');
  const [bots, setBots] = useState<string[]>([]);
  const [bot, setBot] = useState('');
  const [sub, setSub] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [done, setDone] = useState('');
  const action = useAction();
  useEffect(
    () =>
      void action.run(async () => {
        const listed = (await listBotSettings()).map((b) => b.bot);
        setBots(listed);
        setBot((current) => current || listed[0] || '');
      }),
    [],
  );

  const request = (): SubjectRequest => (scope === 'conversation' ? { conversationId: conversationId.trim() } : { bot, sub });
  const what = scope === 'conversation' ? 'this conversation' : `the visitor “${sub}” of ${bot}`;

  const exportIt = () =>
    action.run(async () => {
      setDone('');
      const exported = await exportSubject(session.csrfToken, request());
      downloadJson(exported, exportFileName());
      setDone(`Exported ${conversations(exported.conversations.length)} as ${exportFileName()}.`);
    });
  const erase = () =>
    action.run(async () => {
      const { erased } = await eraseSubject(session.csrfToken, request());
      setConfirming(false);
      setDone(`Erased ${conversations(erased)}.`);
    });

  return (
    <>
      <Heading>Data requests</Heading>
      <p class="muted">Export or erase everything Parley holds about one conversation, or about one visitor your site identified.</p>
      <section class="card" aria-labelledby={`${id}-title`}>
        <h2 id={`${id}-title`}>Whose data</h2>
        <Form label="Data request" onSubmit={exportIt}>
          <fieldset class="duration">
            <legend>The request is about</legend>
            <label class="check">
              <input type="radio" name={`${id}-scope`} checked={scope === 'conversation'} onChange={() => setScope('conversation')} />
              One conversation
            </label>
            <label class="check">
              <input type="radio" name={`${id}-scope`} checked={scope === 'visitor'} onChange={() => setScope('visitor')} />
              A verified visitor of a bot
            </label>
          </fieldset>
          {scope === 'conversation' ? (
            <Field label="Conversation id" autoComplete="off" required value={conversationId} onInput={setConversationId} />
          ) : (
            <div class="row">
              <div class="field">
                <label for={`${id}-bot`}>Bot</label>
                <select id={`${id}-bot`} value={bot} onChange={(e) => setBot(e.currentTarget.value)}>
                  {bots.map((b) => (
                    <option key={b} value={b}>
                      {b}
                    </option>
                  ))}
                </select>
              </div>
              <Field label="Visitor" hint="The sub your site signs into the visitor's identity." autoComplete="off" required value={sub} onInput={setSub} />
            </div>
          )}
          <ErrorText message={action.error} />
          {done && <Notice>{done}</Notice>}
          <div class="actions">
            <button type="submit" class="primary" disabled={action.busy}>
              Export as JSON
            </button>
            <button
              type="button"
              disabled={action.busy || confirming}
              onClick={() => {
                setDone('');
                setConfirming(true);
              }}
            >
              Erase…
            </button>
          </div>
        </Form>
      </section>
      {confirming && <ConfirmErase what={what} busy={action.busy} onConfirm={() => void erase()} onCancel={() => setConfirming(false)} />}
    </>
  );
}
