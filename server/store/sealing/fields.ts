// Which fields are sealed, and under what name: the name is part of each value's associated data
// (cipher.ts), so a value moved into another field fails authentication. One list for the store
// decorator (sealed-store.ts), the migration of rows from before sealing (migration.ts) and the
// backup check. What is not here stays clear because the store queries or reports on it, or
// because it is the bot's own words, the same in every conversation: ids, times, senders, the
// operator's display name, notices, PII tags and value keys, locales and access levels, links
// (URLs from the bot definition), quick-reply labels (button text from the bot definition; the
// payload, what choosing it sends, is sealed), handover lifecycle fields (state, times, assignee,
// resolution code, rating score), turn metadata (outcome, intent, the conversation's intents and
// outcomes), the verified visitor's `sub`, report tallies and bot settings.
import type { QuickReply } from '../../../common/wire.ts';
import type { TurnRequest } from '../store.ts';

export const FIELD = {
  messageText: 'message.text',
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

export function transformQuickReplies(list: QuickReply[] | null | undefined, f: Transform): QuickReply[] | undefined {
  if (!list || list.length === 0) return undefined;
  return list.map((q) => ({ label: String(q.label), action: f(FIELD.quickReplyAction, String(q.action)) }));
}

/** A message's text and quick-reply payloads; everything else as it was. */
export function transformMessage<T extends { text: string; quickReplies?: QuickReply[] }>(message: T, f: Transform): T {
  const quickReplies = transformQuickReplies(message.quickReplies, f);
  const out = { ...message, text: f(FIELD.messageText, String(message.text)) };
  if (quickReplies) out.quickReplies = quickReplies;
  else delete out.quickReplies;
  return out;
}

/** A pending turn's input (the visitor's words as typed, a form answer unmasked, or the button's action). */
export function transformTurn(turn: TurnRequest, f: Transform): TurnRequest {
  const input = 'text' in turn.input ? { text: f(FIELD.turnText, String(turn.input.text)) } : { action: f(FIELD.turnAction, String(turn.input.action)) };
  return { ...turn, input };
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
