// What a visitor's turn did, as metadata without text: the one list the engine, the store, the
// console's conversation filters and the reports share (issue 15).

/**
 * What the bot engine did with a visitor's message:
 * - `answered`: an intent was reached and answered (it may have started a form);
 * - `fallback`: not understood (suggestions, the offer of a human, a declined offer, a button that
 *   no longer means anything);
 * - `refused`: the intent needs an access level the visitor does not have;
 * - `form`: an answer to a form's question (taken, asked again, given up or cancelled);
 * - `handover`: the turn handed the conversation to a human (or left a message in their queue);
 * - `offline`: a human was asked for and none could come (no operator online, or closed), so the
 *   bot took a message instead.
 */
export const BOT_OUTCOMES = ['answered', 'fallback', 'refused', 'form', 'handover', 'offline'] as const;
export type BotOutcome = (typeof BOT_OUTCOMES)[number];

/**
 * What the store keeps per visitor message whose turn completed: the engine's outcome, or
 * `silent` for a message sent while a handover was open (the bot said nothing; an operator answers).
 */
export const MESSAGE_OUTCOMES = [...BOT_OUTCOMES, 'silent'] as const;
export type MessageOutcome = (typeof MESSAGE_OUTCOMES)[number];
