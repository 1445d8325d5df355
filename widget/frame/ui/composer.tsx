// The text box and send button. Enter sends, Shift+Enter adds a line; no <form>, so nothing can
// ever navigate (the frame's CSP has form-action 'none').
import type { Ref } from 'preact';
import { useState } from 'preact/hooks';
import { MAX_TEXT_LENGTH } from '../../../common/wire.ts';
import type { Strings } from '../i18n/index.ts';

interface ComposerProps {
  t: Strings;
  disabled: boolean;
  onSend: (text: string) => boolean;
  /** Every edit, for the typing indicator the operator sees. */
  onEdit: (text: string) => void;
  inputRef: Ref<HTMLTextAreaElement>;
}

export function Composer({ t, disabled, onSend, onEdit, inputRef }: ComposerProps) {
  const [text, setText] = useState('');
  const submit = (): void => {
    if (onSend(text)) setText('');
  };
  return (
    <div class="composer">
      <label class="sr-only" for="parley-input">
        {t.messageLabel}
      </label>
      <textarea
        id="parley-input"
        ref={inputRef}
        rows={1}
        dir="auto"
        maxLength={MAX_TEXT_LENGTH}
        placeholder={t.placeholder}
        value={text}
        disabled={disabled}
        onInput={(e) => {
          setText(e.currentTarget.value);
          onEdit(e.currentTarget.value);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            submit();
          }
        }}
      />
      <button type="button" class="send" disabled={disabled} onClick={submit}>
        {t.send}
      </button>
    </div>
  );
}
