// Supervisors and administrators hand a conversation to another operator of its bot.
import { useId, useState } from 'preact/hooks';
import type { AssignableOperator, HandoverView } from '../../../common/handover-wire.ts';
import { reassignHandover } from '../../api.ts';
import { useAction } from '../action.ts';
import { ErrorText, Form } from '../form.tsx';
import { useSession } from '../session.ts';

export function Reassign({ view, operators, onReassigned }: { view: HandoverView; operators: readonly AssignableOperator[]; onReassigned: (view: HandoverView) => void }) {
  const { session } = useSession();
  const id = useId();
  const choices = operators.filter((o) => o.id !== view.assignee?.id);
  const [operatorId, setOperatorId] = useState(choices[0]?.id ?? '');
  const action = useAction();
  const submit = () => action.run(async () => onReassigned(await reassignHandover(session.csrfToken, view.id, { operatorId })));
  return (
    <section class="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Reassign</h2>
      {choices.length === 0 ? (
        <p>No other operator serves this bot.</p>
      ) : (
        <Form label="Reassign the conversation" onSubmit={submit}>
          <div class="field">
            <label for={`${id}-to`}>Operator</label>
            <select id={`${id}-to`} value={operatorId} onChange={(e) => setOperatorId(e.currentTarget.value)}>
              {choices.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.displayName} {o.available ? '(available)' : '(away)'}
                </option>
              ))}
            </select>
          </div>
          <ErrorText message={action.error} />
          <button type="submit" disabled={action.busy || !operatorId}>
            Reassign
          </button>
        </Form>
      )}
    </section>
  );
}
