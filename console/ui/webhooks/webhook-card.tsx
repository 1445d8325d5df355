// One webhook: its target and events, enable or disable it, change its events, rotate its secret
// (the previous one keeps signing for the overlap chosen, so the receiver can switch without
// losing a delivery), delete it after a confirmation, and its delivery attempts.
import { useId, useState } from 'preact/hooks';
import type { WebhookView } from '../../../common/webhooks-wire.ts';
import { deleteWebhook, patchWebhook, rotateWebhookSecret } from '../../api.ts';
import { useAction } from '../action.ts';
import { ErrorText } from '../form.tsx';
import { useSession } from '../session.ts';
import { Attempts } from './attempts.tsx';
import { EventChoice } from './event-choice.tsx';

const OVERLAPS = [
  { minutes: 1440, label: '24 hours' },
  { minutes: 60, label: '1 hour' },
  { minutes: 10_080, label: '7 days' },
  { minutes: 0, label: 'none: the old secret stops now' },
];

interface Props {
  webhook: WebhookView;
  onChanged: (next: WebhookView) => void;
  onSecret: (secret: string) => void;
  onDeleted: () => void;
}

export function WebhookCard({ webhook, onChanged, onSecret, onDeleted }: Props) {
  const { session } = useSession();
  const id = useId();
  const [events, setEvents] = useState(webhook.events);
  const [overlap, setOverlap] = useState(1440);
  const [confirming, setConfirming] = useState(false);
  const action = useAction();
  const csrf = session.csrfToken;

  return (
    <section class="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>
        {webhook.bot}: <code>{webhook.url}</code>
      </h2>
      <p class="muted">
        {webhook.enabled ? 'Enabled' : 'Disabled'}; {webhook.signingSecrets === 2 ? `two secrets sign until ${new Date(webhook.previousSecretUntil!).toLocaleString()}` : 'one secret signs'}.
      </p>
      <EventChoice chosen={events} onChange={setEvents} />
      <ErrorText message={action.error} />
      <div class="actions">
        <button type="button" disabled={action.busy || events.length === 0} onClick={() => void action.run(async () => onChanged(await patchWebhook(csrf, webhook.id, { events })))}>
          Save events
        </button>
        <button type="button" disabled={action.busy} onClick={() => void action.run(async () => onChanged(await patchWebhook(csrf, webhook.id, { enabled: !webhook.enabled })))}>
          {webhook.enabled ? 'Disable' : 'Enable'}
        </button>
      </div>
      <div class="row">
        <div class="field">
          <label for={`${id}-overlap`}>The old secret keeps signing for</label>
          <select id={`${id}-overlap`} value={overlap} onChange={(e) => setOverlap(Number(e.currentTarget.value))}>
            {OVERLAPS.map((o) => (
              <option key={o.minutes} value={o.minutes}>
                {o.label}
              </option>
            ))}
          </select>
        </div>
      </div>
      <div class="actions">
        <button
          type="button"
          disabled={action.busy}
          onClick={() =>
            void action.run(async () => {
              const rotated = await rotateWebhookSecret(csrf, webhook.id, overlap);
              onChanged(rotated.webhook);
              onSecret(rotated.secret);
            })
          }
        >
          Rotate the secret
        </button>
        {!confirming ? (
          <button type="button" disabled={action.busy} onClick={() => setConfirming(true)}>
            Delete…
          </button>
        ) : (
          <>
            <button type="button" class="danger" disabled={action.busy} onClick={() =>
                void action.run(async () => {
                  await deleteWebhook(csrf, webhook.id);
                  onDeleted();
                })
              }>
              Delete for good (deliveries still owed are dropped)
            </button>
            <button type="button" disabled={action.busy} onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </>
        )}
      </div>
      <Attempts webhookId={webhook.id} />
    </section>
  );
}
