// One step of a form: ask a slot, check the answer, re-prompt, give up after the retry limit,
// and finish with the completion reply. Collected values leave in `collected` at once. Finishing
// the bot's leave-a-message form hands the conversation over (source `message`).
import type { AccessLevel, BotReply, BotTurn, CollectedSlot } from './engine.ts';
import type { FormDefinition, SlotDefinition } from './definition.ts';
import type { Language } from '../../common/languages.ts';
import type { LoadedBot } from './loaded-bot.ts';
import type { DialogState } from './dialog-state.ts';
import { writeDialogState } from './dialog-state.ts';
import { choiceAction, FORM_CANCEL } from './actions.ts';
import { pick, renderReplies } from './render.ts';
import { validateSlotAnswer } from './slots.ts';

/** The question for a slot: its prompt (or re-prompt), its choices as buttons, and a way out. */
function askSlot(bot: LoadedBot, slot: SlotDefinition, language: Language, again: boolean): BotReply {
  const choices = (slot.choices ?? []).map((c) => ({ label: pick(c.label, language, bot), action: choiceAction(c.value) }));
  return {
    text: pick(again ? slot.reprompt : slot.prompt, language, bot),
    quickReplies: [...choices, { label: pick(bot.def.messages.cancelForm, language, bot), action: FORM_CANCEL }],
  };
}

export function startForm(bot: LoadedBot, form: FormDefinition, language: Language, state: DialogState): { reply: BotReply; state: DialogState } {
  const first = form.slots[0] as SlotDefinition;
  return { reply: askSlot(bot, first, language, false), state: { ...state, form: { id: form.id, slot: 0, tries: 0 } } };
}

/** Handles the visitor's answer to the slot being asked. */
export function answerSlot(
  bot: LoadedBot,
  language: Language,
  access: AccessLevel,
  state: DialogState,
  answer: string,
): BotTurn {
  const active = state.form;
  const form = active ? bot.forms.get(active.id) : undefined;
  const slot = active && form ? form.slots[active.slot] : undefined;
  if (!active || !form || !slot) {
    // A state pointing at a form or slot that no longer exists (definition changed): start over.
    return { replies: [], state: writeDialogState({ ...state, form: undefined }), outcome: 'form' };
  }
  const value = validateSlotAnswer(slot, language, answer);
  if (value === undefined) {
    const tries = active.tries + 1;
    if (tries > slot.retries) {
      return {
        replies: [{ text: pick(bot.def.messages.formAborted, language, bot) }],
        state: writeDialogState({ ...state, form: undefined }),
        outcome: 'form',
      };
    }
    return {
      replies: [askSlot(bot, slot, language, true)],
      state: writeDialogState({ ...state, form: { ...active, tries } }),
      outcome: 'form',
    };
  }
  const collected: CollectedSlot[] = [{ key: slot.key, value, pii: slot.pii }];
  const next = form.slots[active.slot + 1];
  if (next) {
    return {
      replies: [askSlot(bot, next, language, false)],
      state: writeDialogState({ ...state, form: { id: form.id, slot: active.slot + 1, tries: 0 } }),
      outcome: 'form',
      collected,
    };
  }
  const replies = renderReplies(bot, pick(form.done, language, bot), access);
  if (form.id === bot.def.handover?.leaveMessage) {
    // A message left for the operators: it waits in the handover queue for the next one.
    return {
      replies,
      state: writeDialogState({ ...state, form: undefined, handover: true }),
      outcome: 'handover',
      collected,
      handover: { source: 'message' },
    };
  }
  return { replies, state: writeDialogState({ ...state, form: undefined }), outcome: 'form', collected };
}
