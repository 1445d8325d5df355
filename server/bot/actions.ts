// Quick-reply payloads. The visitor's browser sends them back verbatim, so they are untrusted
// input: parse, never eval, and treat anything unknown as "not understood".

type Action =
  | { kind: 'intent'; intent: string }
  | { kind: 'choice'; value: string }
  | { kind: 'handover'; accept: boolean }
  | { kind: 'form'; command: 'cancel' };

export const ACTION_PATTERN = /^(intent:[a-z][a-z0-9_]{0,63}|choice:[^\s].{0,79}|handover:(yes|no)|form:cancel)$/su;

export function parseAction(raw: unknown): Action | undefined {
  if (typeof raw !== 'string' || raw.length > 100 || !ACTION_PATTERN.test(raw)) return undefined;
  const colon = raw.indexOf(':');
  const kind = raw.slice(0, colon);
  const rest = raw.slice(colon + 1);
  switch (kind) {
    case 'intent':
      return { kind: 'intent', intent: rest };
    case 'choice':
      return { kind: 'choice', value: rest };
    case 'handover':
      return { kind: 'handover', accept: rest === 'yes' };
    default:
      return { kind: 'form', command: 'cancel' };
  }
}

export const intentAction = (intent: string) => `intent:${intent}`;
export const choiceAction = (value: string) => `choice:${value}`;
export const HANDOVER_YES = 'handover:yes';
export const HANDOVER_NO = 'handover:no';
export const FORM_CANCEL = 'form:cancel';
