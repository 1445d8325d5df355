// A duration in the bot settings form: an amount and a unit, and for the settings that may be left
// unset, a checkbox that says what unset means ("keep them", "for ever"). A fieldset, so a screen
// reader reads each part with the setting's name.
import { useId } from 'preact/hooks';
import { UNITS, type DurationInput, type Unit } from './settings-form.ts';

interface Props {
  label: string;
  hint?: string;
  value: DurationInput;
  onChange: (value: DurationInput) => void;
  /** The checkbox's text for "not set"; without it the setting must have a duration. */
  offLabel?: string;
}

export function DurationField({ label, hint, value, onChange, offLabel }: Props) {
  const id = useId();
  return (
    <fieldset class="duration" aria-describedby={hint ? `${id}-hint` : undefined}>
      <legend id={`${id}-legend`}>{label}</legend>
      {hint && (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {offLabel && (
        <label class="check">
          <input type="checkbox" checked={value.off} onChange={(e) => onChange({ ...value, off: e.currentTarget.checked })} />
          {offLabel}
        </label>
      )}
      {!value.off && (
        <div class="row">
          <div class="field">
            <label id={`${id}-amount-label`} for={`${id}-amount`}>
              Amount
            </label>
            <input
              id={`${id}-amount`}
              inputMode="numeric"
              aria-labelledby={`${id}-legend ${id}-amount-label`}
              value={value.amount}
              onInput={(e) => onChange({ ...value, amount: e.currentTarget.value })}
            />
          </div>
          <div class="field">
            <label id={`${id}-unit-label`} for={`${id}-unit`}>
              Unit
            </label>
            <select
              id={`${id}-unit`}
              aria-labelledby={`${id}-legend ${id}-unit-label`}
              value={value.unit}
              onChange={(e) => onChange({ ...value, unit: e.currentTarget.value as Unit })}
            >
              {UNITS.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.label}
                </option>
              ))}
            </select>
          </div>
        </div>
      )}
    </fieldset>
  );
}
