// Business hours in the bot settings form (bots that hand over to humans only): on or off, the
// time zone, one line of open intervals per weekday, and the days closed.
import { useId } from 'preact/hooks';
import { WEEKDAYS } from '../../../common/data-protection-wire.ts';
import type { HoursInput } from './settings-form.ts';

const dayLabel = (day: string) => `${day[0]!.toUpperCase()}${day.slice(1)}`;

export function BusinessHoursField({ value, onChange }: { value: HoursInput; onChange: (value: HoursInput) => void }) {
  const id = useId();
  return (
    <fieldset class="duration">
      <legend>Business hours</legend>
      <label class="check">
        <input type="checkbox" checked={value.on} onChange={(e) => onChange({ ...value, on: e.currentTarget.checked })} />
        Operators work set hours (else at all times)
      </label>
      {value.on && (
        <>
          <div class="field">
            <label for={`${id}-zone`}>Time zone</label>
            <input id={`${id}-zone`} value={value.timeZone} aria-describedby={`${id}-zone-hint`} onInput={(e) => onChange({ ...value, timeZone: e.currentTarget.value })} />
            <p class="hint" id={`${id}-zone-hint`}>
              An IANA zone, such as Europe/Oslo.
            </p>
          </div>
          <p class="hint" id={`${id}-days-hint`}>
            Open hours as 08:00-17:00, several separated by commas; leave a day empty when closed.
          </p>
          {WEEKDAYS.map((day) => (
            <div class="field" key={day}>
              <label for={`${id}-${day}`}>{dayLabel(day)}</label>
              <input
                id={`${id}-${day}`}
                aria-describedby={`${id}-days-hint`}
                value={value.days[day]}
                onInput={(e) => onChange({ ...value, days: { ...value.days, [day]: e.currentTarget.value } })}
              />
            </div>
          ))}
          <div class="field">
            <label for={`${id}-holidays`}>Closed on</label>
            <textarea
              id={`${id}-holidays`}
              rows={3}
              aria-describedby={`${id}-holidays-hint`}
              value={value.holidays}
              onInput={(e) => onChange({ ...value, holidays: e.currentTarget.value })}
            />
            <p class="hint" id={`${id}-holidays-hint`}>
              One date (YYYY-MM-DD) per line.
            </p>
          </div>
        </>
      )}
    </fieldset>
  );
}
