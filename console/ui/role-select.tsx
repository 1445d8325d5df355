// A labelled choice of the three roles.
import { useId } from 'preact/hooks';
import { CONSOLE_ROLES, type ConsoleRole } from '../../common/console-wire.ts';
import { ROLE_LABEL } from './roles.ts';

export function RoleSelect({ value, onChange }: { value: ConsoleRole; onChange: (role: ConsoleRole) => void }) {
  const id = useId();
  return (
    <div class="field">
      <label for={id}>Role</label>
      <select id={id} value={value} onChange={(e) => onChange(e.currentTarget.value as ConsoleRole)}>
        {CONSOLE_ROLES.map((r) => (
          <option key={r} value={r}>
            {ROLE_LABEL[r]}
          </option>
        ))}
      </select>
    </div>
  );
}
