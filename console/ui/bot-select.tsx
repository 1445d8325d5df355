// A labelled choice of one bot, by id: the data requests' and the webhooks' forms.
import { useId } from 'preact/hooks';

export function BotSelect({ bots, value, onChange }: { bots: readonly string[]; value: string; onChange: (bot: string) => void }) {
  const id = useId();
  return (
    <div class="field">
      <label for={id}>Bot</label>
      <select id={id} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
        {bots.map((b) => (
          <option key={b} value={b}>
            {b}
          </option>
        ))}
      </select>
    </div>
  );
}
