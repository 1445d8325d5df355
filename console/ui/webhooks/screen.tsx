// Administrators: each bot's webhooks (docs/webhooks.md). A new webhook names its bot, target and
// events; the server refuses targets on loopback or private networks unless the deployment allows
// them, and answers with the signing secret, shown once. Below, every webhook with its controls
// and delivery attempts.
import { useEffect, useId, useState } from 'preact/hooks';
import type { WebhookEventType, WebhookView } from '../../../common/webhooks-wire.ts';
import { createWebhook, listBotSettings, listWebhooks } from '../../api.ts';
import { useAction } from '../action.ts';
import { ErrorText, Field, Form } from '../form.tsx';
import { Heading } from '../heading.tsx';
import { BotSelect } from '../bot-select.tsx';
import { useSession } from '../session.ts';
import { EventChoice } from './event-choice.tsx';
import { SecretOnce } from './secret-once.tsx';
import { WebhookCard } from './webhook-card.tsx';

export function Webhooks() {
  const { session } = useSession();
  const id = useId();
  const [webhooks, setWebhooks] = useState<WebhookView[]>([]);
  const [bots, setBots] = useState<string[]>([]);
  const [bot, setBot] = useState('');
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<WebhookEventType[]>(['handover.requested', 'form.submitted']);
  const [secret, setSecret] = useState('');
  const action = useAction();
  useEffect(
    () =>
      void action.run(async () => {
        const [listed, hooks] = await Promise.all([listBotSettings(), listWebhooks()]);
        setBots(listed.map((b) => b.bot));
        setBot((current) => current || listed[0]?.bot || '');
        setWebhooks(hooks);
      }),
    [],
  );

  const create = () =>
    action.run(async () => {
      const made = await createWebhook(session.csrfToken, { bot, url: url.trim(), events });
      setWebhooks((list) => [...list, made.webhook]);
      setSecret(made.secret);
      setUrl('');
    });

  return (
    <>
      <Heading>Webhooks</Heading>
      <p class="muted">Tell your site's backend when a visitor asks for a person, a conversation is resolved or rated, or a form is filled in. Each delivery is signed (Standard Webhooks).</p>
      {secret && <SecretOnce secret={secret} onDismiss={() => setSecret('')} />}
      <section class="card" aria-labelledby={`${id}-title`}>
        <h2 id={`${id}-title`}>New webhook</h2>
        <Form label="New webhook" onSubmit={() => void create()}>
          <div class="row">
            <BotSelect bots={bots} value={bot} onChange={setBot} />
            <Field label="Target URL" hint="https://, on the public internet (internal targets only if the deployment allows them)." autoComplete="off" required value={url} onInput={setUrl} />
          </div>
          <EventChoice chosen={events} onChange={setEvents} />
          <ErrorText message={action.error} />
          <div class="actions">
            <button type="submit" class="primary" disabled={action.busy || events.length === 0}>
              Create webhook
            </button>
          </div>
        </Form>
      </section>
      {webhooks.length === 0 && <p class="muted">No webhooks yet.</p>}
      {webhooks.map((w) => (
        <WebhookCard
          key={w.id}
          webhook={w}
          onChanged={(next) => setWebhooks((list) => list.map((x) => (x.id === next.id ? next : x)))}
          onSecret={setSecret}
          onDeleted={() => setWebhooks((list) => list.filter((x) => x.id !== w.id))}
        />
      ))}
    </>
  );
}
