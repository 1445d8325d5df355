// A webhook's latest delivery attempts: when, which event, how it ended, how long it took. Never
// the body: the server does not keep it past the delivery.
import { useEffect, useState } from 'preact/hooks';
import type { WebhookAttemptView } from '../../../common/webhooks-wire.ts';
import { listWebhookAttempts } from '../../api.ts';
import { useAction } from '../action.ts';
import { ErrorText } from '../form.tsx';

const OUTCOME: Record<WebhookAttemptView['outcome'], string> = { delivered: 'Delivered', retrying: 'Will retry', failed: 'Given up' };

export function Attempts({ webhookId }: { webhookId: string }) {
  const [attempts, setAttempts] = useState<WebhookAttemptView[] | null>(null);
  const action = useAction();
  const load = () => action.run(async () => setAttempts(await listWebhookAttempts(webhookId)));
  useEffect(() => void load(), [webhookId]);
  return (
    <>
      <h3>Delivery attempts</h3>
      <ErrorText message={action.error} />
      {attempts?.length === 0 && <p class="muted">No deliveries yet.</p>}
      {attempts && attempts.length > 0 && (
        <div class="table-wrap">
          <table>
            <caption class="muted">The latest {attempts.length}, newest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Event</th>
                <th scope="col">Attempt</th>
                <th scope="col">Answer</th>
                <th scope="col">Time</th>
                <th scope="col">Result</th>
              </tr>
            </thead>
            <tbody>
              {attempts.map((a) => (
                <tr key={`${a.eventId}-${a.attempt}`}>
                  <td>{new Date(a.at).toLocaleString()}</td>
                  <td>
                    <code>{a.event}</code>
                  </td>
                  <td>{a.attempt}</td>
                  <td>{a.status ?? a.errorClass}</td>
                  <td>{a.durationMs} ms</td>
                  <td>
                    {OUTCOME[a.outcome]}
                    {a.errorClass && a.status !== null ? ` (${a.errorClass})` : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div class="actions">
        <button type="button" disabled={action.busy} onClick={() => void load()}>
          Refresh attempts
        </button>
      </div>
    </>
  );
}
