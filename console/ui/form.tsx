// Form pieces every screen uses: a labelled field, the error line, a notice line. Text only:
// Preact sets text content, never HTML.
import type { ComponentChildren } from 'preact';
import { useId } from 'preact/hooks';

/** The server decides (server/accounts/passwords.ts counts code points, which minLength does not). */
export const PASSWORD_HINT = 'At least 12 characters. Common passwords are refused.';

interface FieldProps {
  label: string;
  value: string;
  onInput: (value: string) => void;
  type?: 'text' | 'email' | 'password' | 'date';
  autoComplete?: string;
  required?: boolean;
  inputMode?: 'numeric' | 'text';
  hint?: string;
}

export function Field({ label, value, onInput, type = 'text', autoComplete, required, inputMode, hint }: FieldProps) {
  const id = useId();
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input
        id={id}
        // Preact's input props are a union keyed by a literal type; a variable needs one literal here.
        type={type as 'text'}
        value={value}
        autoComplete={autoComplete}
        required={required}
        inputMode={inputMode}
        aria-describedby={hint ? `${id}-hint` : undefined}
        onInput={(e) => onInput(e.currentTarget.value)}
      />
      {hint && (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
    </div>
  );
}

/** Announced when it appears; empty renders nothing. */
export function ErrorText({ message }: { message: string }) {
  return (
    <p class="error" role="alert">
      {message}
    </p>
  );
}

export function Notice({ children }: { children: ComponentChildren }) {
  return (
    <p class="notice" role="status">
      {children}
    </p>
  );
}

/** A form that never navigates: the screens send JSON themselves. */
export function Form({ onSubmit, label, children }: { onSubmit: () => void; label: string; children: ComponentChildren }) {
  return (
    <form
      aria-label={label}
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit();
      }}
    >
      {children}
    </form>
  );
}

/** The second factor's field, the same wherever a sign-in asks for it (password or single sign-on). */
export function SecondFactorField({ value, onInput }: { value: string; onInput: (value: string) => void }) {
  return (
    <Field
      label="Authentication code"
      hint="The 6-digit code from your authenticator app, or one of your recovery codes."
      autoComplete="one-time-code"
      inputMode="text"
      required
      value={value}
      onInput={onInput}
    />
  );
}
