// When a person's typing is worth telling the other side, for both browser clients of a handover
// (the frame tells the operator, the console tells the visitor). One request when typing starts,
// a refresh while it goes on, one "stopped" after a pause: never one request per keystroke.
// The receiving side hides the indicator when no refresh came for TYPING_SHOWN_MS, so a lost
// "stopped" (closed tab, dropped request) never leaves it on.

/** While typing goes on, `true` is sent again at most this often. */
export const TYPING_REFRESH_MS = 4000;
/** No keystroke for this long: `false` is sent. */
export const TYPING_IDLE_MS = 3000;
/** How long a receiver shows "is typing" after the last `true` without a refresh. */
export const TYPING_SHOWN_MS = 2 * TYPING_REFRESH_MS + 2000;

export interface TypingSignal {
  /** Call on every edit of the text box with whether it now holds any text. */
  input(hasText: boolean): void;
  /**
   * Forget the typing state without sending anything: the text was sent (its arrival ends the
   * indicator on the other side) or there is no one to tell any more.
   */
  reset(): void;
}

export function typingSignal(send: (typing: boolean) => void, now: () => number = Date.now): TypingSignal {
  let on = false;
  let lastTrue = 0;
  let idle: ReturnType<typeof setTimeout> | undefined;
  const stop = (): void => {
    clearTimeout(idle);
    if (on) {
      on = false;
      send(false);
    }
  };
  return {
    input(hasText) {
      if (!hasText) return stop();
      clearTimeout(idle);
      if (!on || now() - lastTrue >= TYPING_REFRESH_MS) {
        on = true;
        lastTrue = now();
        send(true);
      }
      idle = setTimeout(stop, TYPING_IDLE_MS);
    },
    reset() {
      clearTimeout(idle);
      on = false;
    },
  };
}
