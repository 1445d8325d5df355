// The events a webhook is sent, as checkboxes: each in words, with its wire name beside it.
import { WEBHOOK_EVENTS, type WebhookEventType } from '../../../common/webhooks-wire.ts';

const DESCRIBED: Record<WebhookEventType, string> = {
  'handover.requested': 'A visitor asks for a person',
  'handover.resolved': 'A person resolves the conversation',
  'conversation.rated': 'The visitor rates it',
  'form.submitted': 'A form is filled in (shareable fields only)',
};

export function EventChoice({ chosen, onChange }: { chosen: WebhookEventType[]; onChange: (next: WebhookEventType[]) => void }) {
  return (
    <fieldset class="duration">
      <legend>Events</legend>
      {WEBHOOK_EVENTS.map((event) => (
        <label class="check" key={event}>
          <input
            type="checkbox"
            checked={chosen.includes(event)}
            onChange={(e) => onChange(e.currentTarget.checked ? [...chosen, event] : chosen.filter((c) => c !== event))}
          />
          {DESCRIBED[event]} <code>{event}</code>
        </label>
      ))}
    </fieldset>
  );
}
