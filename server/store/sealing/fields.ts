// Which fields are sealed, and under what name: the name is part of each value's associated data
// (cipher.ts), so a value moved into another field fails authentication. One list for the store
// decorator (sealed-store.ts), the migration of rows from before sealing (migration.ts) and the
// backup check. What is not here stays clear because the store queries or reports on it, or
// because it is the bot's own words, the same in every conversation: ids, times, senders, the
// operator's display name, notices, PII tags and value keys, locales and access levels, links
// (URLs from the bot definition), quick-reply labels (button text from the bot definition; the
// payloads, what choosing one sends, are sealed, the labels bound to them), handover lifecycle
// fields (state, times, assignee, resolution code, rating score), turn metadata (outcome, intent,
// the conversation's intents and outcomes), the verified visitor's `sub`, report tallies and bot
// settings.
import type { QuickReply } from '../../../common/wire.ts';
import type { TurnRequest } from '../store.ts';
import { isSealed } from './cipher.ts';

export const FIELD = {
  messageText: 'message.text',
  /**
   * A message's buttons: every action in ONE value (a seal per message, not per button), under a
   * field that names the labels, so the labels are bound too: relabelled, dropped or added buttons,
   * or another message's envelope under these labels, fail authentication.
   */
  quickReplies: (labels: readonly string[]) => `message.quickReplies:${JSON.stringify(labels)}`,
  /** Rows written before: one envelope per button's action (still read, see transformQuickReplies). */
  quickReplyAction: 'message.quickReply.action',
  turnText: 'turn.input.text',
  turnAction: 'turn.input.action',
  state: 'conversation.state',
  /** Keyed: a value moved to another key of the same conversation fails too. */
  value: (key: string) => `value:${key}`,
  // The live handover's (issue 14), sealed through handover.ts.
  handoverNote: 'handover.note',
  resolutionNote: 'handover.resolutionNote',
  ratingComment: 'handover.ratingComment',
  // Webhooks (issue 18), sealed through webhooks.ts: a delivery's body under its conversation's
  // key, a signing secret under its webhook's own.
  webhookPayload: 'webhook.payload',
  webhookSecret: 'webhook.secret',
} as const;

/** Seals or opens one value of a field (the same walk does both). */
export type Transform = (field: string, value: string) => string;

/** What the first button's action starts with when it holds every button's actions (the others hold ''). */
const ALL_ACTIONS = 'actions:';

/**
 * A message's buttons, stored: the labels as they are; the first button's action `actions:<envelope>`
 * of the JSON array of every action, the others ''. Rows written before hold one envelope per
 * action (field quickReplyAction): they read as they are, and stay so (the migration seals only
 * what is clear, and a whole list in the clear becomes the one-value form). The walk is the same
 * both ways, and as stored it gives back what it was given, so a visitor that returns values
 * unopened (the key lookup before opening, the backup check) sees the stored list unchanged.
 */
export function transformQuickReplies(list: QuickReply[] | null | undefined, f: Transform): QuickReply[] | undefined {
  if (!list || list.length === 0) return undefined;
  const labels = list.map((q) => String(q.label));
  const actions = list.map((q) => String(q.action));
  // The one value, if the list holds it: only an envelope after the prefix (a bot's own action may
  // start with it, and is then sealed like any other).
  const packed = actions[0]!.startsWith(ALL_ACTIONS) ? actions[0]!.slice(ALL_ACTIONS.length) : '';
  const allInOne = isSealed(packed) && actions.every((action, i) => i === 0 || action === '');
  if (!allInOne && actions.some(isSealed)) {
    return labels.map((label, i) => ({ label, action: f(FIELD.quickReplyAction, actions[i]!) }));
  }
  const value = f(FIELD.quickReplies(labels), allInOne ? packed : JSON.stringify(actions));
  const opened = isSealed(value) ? null : actionsOf(value, labels.length);
  return labels.map((label, i) => ({ label, action: opened ? opened[i]! : i === 0 ? ALL_ACTIONS + value : '' }));
}

/**
 * The actions a list's one value holds; null for anything else (left as stored: only what the
 * store wrote opens, and that is always such a list, its length bound with the labels).
 */
function actionsOf(value: string, count: number): string[] | null {
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) && parsed.length === count && parsed.every((a) => typeof a === 'string') ? parsed : null;
  } catch {
    return null;
  }
}

/** A message's text and quick-reply payloads; everything else as it was. */
export function transformMessage<T extends { text: string; quickReplies?: QuickReply[] }>(message: T, f: Transform): T {
  const quickReplies = transformQuickReplies(message.quickReplies, f);
  const out = { ...message, text: f(FIELD.messageText, String(message.text)) };
  if (quickReplies) out.quickReplies = quickReplies;
  // Only when there is one to drop: a delete turns the object into a slow dictionary.
  else if ('quickReplies' in out) delete out.quickReplies;
  return out;
}

/**
 * What a pending turn's input starts with when it is its message's very text (the usual case: the
 * visitor typed it), followed by that text's envelope: the same words are not sealed twice. Read,
 * the envelope must be its own row's text (sealed-store.ts, nextTurn), so no other message's text
 * of the conversation opens in its place.
 */
const OWN_TEXT = 'message.text=';

/** A visitor message's turn, sealed beside its text: `storedText` is the envelope `text` was sealed into. */
export function sealTurnBeside(turn: TurnRequest, text: string, storedText: string, seal: Transform): TurnRequest {
  if ('text' in turn.input && String(turn.input.text) === text) return { ...turn, input: { text: OWN_TEXT + storedText } };
  // Words of their own, whatever they look like (a form answer may read like a reference).
  return transformInput(turn, seal);
}

/** The envelope of its message's text that a turn's input refers to; null for input of its own. */
export function ownTextOf(turn: TurnRequest): string | null {
  if (!('text' in turn.input) || !turn.input.text.startsWith(OWN_TEXT)) return null;
  const envelope = turn.input.text.slice(OWN_TEXT.length);
  return isSealed(envelope) ? envelope : null;
}

function transformInput(turn: TurnRequest, f: Transform): TurnRequest {
  const input = 'text' in turn.input ? { text: f(FIELD.turnText, String(turn.input.text)) } : { action: f(FIELD.turnAction, String(turn.input.action)) };
  return { ...turn, input };
}

/**
 * A pending turn's input (the visitor's words as typed, a form answer unmasked, or the button's
 * action). A reference to its message's text is visited as that text and left as it is: nothing
 * to seal, and opening it is nextTurn's, which checks it against the row.
 */
export function transformTurn(turn: TurnRequest, f: Transform): TurnRequest {
  const own = ownTextOf(turn);
  if (own !== null) {
    f(FIELD.messageText, own);
    return turn;
  }
  return transformInput(turn, f);
}

export function transformValue<T extends { key: string; value: string }>(value: T, f: Transform): T {
  return { ...value, value: f(FIELD.value(String(value.key)), String(value.value)) };
}

/**
 * Dialog state is an object to the store, kept as JSON text: sealed, it is `{ sealed: <envelope> }`
 * (the store stays free to stringify it as it always has).
 */
export function sealState(state: Record<string, unknown>, seal: Transform): Record<string, unknown> {
  return { sealed: seal(FIELD.state, JSON.stringify(state)) };
}

/** The envelope of a sealed state, or null for a state stored in the clear (from before sealing, or `{}` of a new conversation). */
export function sealedStateOf(stored: Record<string, unknown>): string | null {
  const keys = Object.keys(stored);
  return keys.length === 1 && typeof stored.sealed === 'string' ? stored.sealed : null;
}
