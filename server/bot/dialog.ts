// One visitor turn: a button press or a typed text in, the bot's replies and the next state out.
// Rules: forms take typed answers first; a follow-up matches only after its parent; a visitor
// without the intent's level gets a refusal (whether typed, suggested or replayed as a button);
// low or ambiguous confidence gives suggestions, and repeated fallbacks offer a human. A handover
// says where it came from, and when no human could come the bot says why and takes a message.
import type { AccessLevel, BotReply, BotTurn, Staffing, VisitorInput } from './engine.ts';
import type { HandoverSource } from '../../common/handover-wire.ts';
import type { IntentDefinition } from './definition.ts';
import type { Language } from '../../common/languages.ts';
import type { IntentScore } from './classifier.ts';
import { mayReach, type LoadedBot } from './loaded-bot.ts';
import { writeDialogState, type DialogState } from './dialog-state.ts';
import { HANDOVER_NO, HANDOVER_YES, intentAction, parseAction } from './actions.ts';
import { pick, renderReplies } from './render.ts';
import { answerSlot, startForm } from './forms.ts';
import { words } from './similarity.ts';
import { confidentIntent } from './decision.ts';

/** Text beyond this is not needed to find an intent and only costs time. */
const MAX_CLASSIFIED_LENGTH = 500;

interface Turn {
  bot: LoadedBot;
  language: Language;
  access: AccessLevel;
  state: DialogState;
  /** Whether a human could come now (the server's view); only bots with a handover block heed it. */
  staffing: Staffing;
}

/** A turn in progress: `offered` says the previous turn offered a human after repeated fallbacks. */
interface Current extends Turn {
  offered: boolean;
}

export async function replyTo(turn: Turn, input: VisitorInput): Promise<BotTurn> {
  // The offer counts for the very next answer only, so it leaves the state this turn passes on.
  const { offeredHuman, ...state } = withLiveForm(turn.bot, turn.state);
  const current: Current = { ...turn, state, offered: offeredHuman === true };
  if ('action' in input && typeof input.action === 'string') return onAction(current, input.action);
  const text = 'text' in input && typeof input.text === 'string' ? input.text : '';
  if (state.form) {
    if (isCancelWord(current, text)) return cancelForm(current);
    return answerSlot(turn.bot, turn.language, turn.access, state, text);
  }
  return onText(current, text);
}

/** Drops a form from the state when the definition no longer has it (bots change between turns). */
function withLiveForm(bot: LoadedBot, state: DialogState): DialogState {
  const form = state.form ? bot.forms.get(state.form.id) : undefined;
  if (state.form && (!form || !form.slots[state.form.slot])) return { ...state, form: undefined };
  return state;
}

async function onAction(turn: Current, raw: string): Promise<BotTurn> {
  const action = parseAction(raw);
  const { bot, state } = turn;
  switch (action?.kind) {
    case 'intent': {
      const intent = bot.intents.get(action.intent);
      // A follow-up button only means something right after its parent.
      if (!intent || (intent.parent !== undefined && intent.parent !== state.context)) return fallback(turn, []);
      return answerIntent(turn, intent, 'button');
    }
    case 'choice':
      if (state.form) return answerSlot(bot, turn.language, turn.access, state, action.value);
      return fallback(turn, []);
    case 'form':
      if (state.form) return cancelForm(turn);
      return fallback(turn, []);
    case 'handover':
      if (action.accept) return handOver(turn, turn.offered ? 'fallback' : 'button');
      // Declining the human offered after misses leaves the visitor where the misses left them.
      return {
        replies: [{ text: pick(bot.def.messages.handoverDeclined, turn.language, bot) }],
        state: writeDialogState({ ...state, fallbacks: 0 }),
        outcome: 'fallback',
      };
    default:
      return fallback(turn, []);
  }
}

async function onText(turn: Turn, text: string): Promise<BotTurn> {
  const { bot, state, language } = turn;
  const trimmed = text.trim().slice(0, MAX_CLASSIFIED_LENGTH);
  if (trimmed === '') return fallback(turn, []);
  const candidates = new Set<string>();
  for (const intent of bot.def.intents) {
    if (intent.parent === undefined || intent.parent === state.context) candidates.add(intent.name);
  }
  const scores = await bot.classifier.classify(language, trimmed, candidates);
  const chosen = confidentIntent(scores, bot.def.threshold, bot.def.ambiguityMargin);
  const intent = chosen !== undefined ? bot.intents.get(chosen) : undefined;
  return intent ? answerIntent(turn, intent, 'intent') : fallback(turn, scores);
}

/** Answers an intent; `source` is what a handover it starts is recorded as (how the visitor got here). */
function answerIntent(turn: Turn, intent: IntentDefinition, source: HandoverSource): BotTurn {
  const { bot, language, access } = turn;
  if (!mayReach(access, intent)) {
    return {
      replies: [{ text: pick(bot.def.messages.refusal, language, bot) }],
      state: writeDialogState({ ...turn.state, fallbacks: 0 }),
      outcome: 'refused',
    };
  }
  const instead = intent.handover ? messageInstead(turn, { ...turn.state, context: intent.name }) : undefined;
  if (instead) return { ...instead, intent: intent.name };
  const replies = renderReplies(bot, pick(intent.replies, language, bot), access);
  let state: DialogState = { ...turn.state, context: intent.name, fallbacks: 0 };
  const formDef = intent.form !== undefined ? bot.forms.get(intent.form) : undefined;
  if (formDef) {
    const started = startForm(bot, formDef, language, state);
    replies.push(started.reply);
    state = started.state;
  }
  if (intent.handover) {
    return { replies, state: writeDialogState({ ...state, handover: true }), outcome: 'handover', intent: intent.name, handover: { source } };
  }
  return { replies, state: writeDialogState(state), outcome: 'answered', intent: intent.name };
}

function handOver(turn: Turn, source: HandoverSource): BotTurn {
  const human = [...turn.bot.intents.values()].find((i) => i.handover && mayReach(turn.access, i));
  if (human) return answerIntent(turn, human, source);
  const instead = messageInstead(turn, turn.state);
  if (instead) return instead;
  // A bot without a handover intent still records the request.
  return { replies: [], state: writeDialogState({ ...turn.state, fallbacks: 0, handover: true }), outcome: 'handover', handover: { source } };
}

/**
 * When no human could come (staffing not open): say why, no operator online or outside business
 * hours, and start the leave-a-message form. Undefined when the handover may go ahead, and always
 * for a bot without a handover block: it has no form to offer, and records the request as before.
 */
function messageInstead(turn: Turn, state: DialogState): BotTurn | undefined {
  const { bot, language } = turn;
  const handover = bot.def.handover;
  const form = handover ? bot.forms.get(handover.leaveMessage) : undefined;
  if (turn.staffing === 'open' || !handover || !form) return undefined;
  const why = pick(turn.staffing === 'closed' ? handover.closed : handover.noOperator, language, bot);
  const started = startForm(bot, form, language, { ...state, fallbacks: 0 });
  return { replies: [{ text: why }, started.reply], state: writeDialogState(started.state), outcome: 'offline' };
}

function cancelForm(turn: Turn): BotTurn {
  return {
    replies: [{ text: pick(turn.bot.def.messages.formCancelled, turn.language, turn.bot) }],
    state: writeDialogState({ ...turn.state, form: undefined }),
    outcome: 'form',
  };
}

function isCancelWord(turn: Turn, text: string): boolean {
  const said = words(text).join(' ');
  return said !== '' && said === words(pick(turn.bot.def.messages.cancelForm, turn.language, turn.bot)).join(' ');
}

/** Not understood: suggest the best reachable intents, and after enough misses in a row, a human. */
function fallback(turn: Turn, scores: readonly IntentScore[]): BotTurn {
  const { bot, language, state } = turn;
  const misses = state.fallbacks + 1;
  // A near miss: half the bot's threshold or more. Below that the text is about no intent at all.
  const [top] = scores;
  const near = top !== undefined && top.score >= bot.def.threshold / 2 ? { nearest: top.intent } : {};
  if (misses >= bot.def.fallbacksBeforeHuman) {
    const reply: BotReply = {
      text: pick(bot.def.messages.offerHuman, language, bot),
      quickReplies: [
        { label: pick(bot.def.messages.humanYes, language, bot), action: HANDOVER_YES },
        { label: pick(bot.def.messages.humanNo, language, bot), action: HANDOVER_NO },
      ],
    };
    return { replies: [reply], state: writeDialogState({ ...state, fallbacks: 0, offeredHuman: true }), outcome: 'fallback', ...near };
  }
  const reply: BotReply = { text: pick(bot.def.messages.fallback, language, bot) };
  const suggestions = suggest(turn, scores);
  if (suggestions.length > 0) reply.quickReplies = suggestions;
  return { replies: [reply], state: writeDialogState({ ...state, fallbacks: misses }), outcome: 'fallback', ...near };
}

/** Best reachable, suggestible intents by score; ties (e.g. all zero) keep definition order. */
function suggest(turn: Turn, scores: readonly IntentScore[]) {
  const { bot, language, access, state } = turn;
  const scoreOf = new Map(scores.map((s) => [s.intent, s.score]));
  return bot.def.intents
    .map((intent, order) => ({ intent, order, score: scoreOf.get(intent.name) ?? 0 }))
    .filter(({ intent }) => intent.suggest && mayReach(access, intent))
    .filter(({ intent }) => intent.parent === undefined || intent.parent === state.context)
    .sort((a, b) => b.score - a.score || a.order - b.order)
    .slice(0, bot.def.maxSuggestions)
    .map(({ intent }) => ({
      label: intent.label ? pick(intent.label, language, bot) : (pick(intent.phrases, language, bot)[0] as string),
      action: intentAction(intent.name),
    }));
}
