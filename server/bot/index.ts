// The bot engine the server loads at start: every `<botsDir>/<id>.json` validated, one classifier
// trained per bot and kept in memory, identity secrets resolved. A bad definition is a
// BotDefinitionError naming file, path and problem; the server prints it and exits.
import type { BotEngine, BotGreeting, BotProfile, BotTurn, Staffing, TurnContext, VisitorIdentity, VisitorInput } from './engine.ts';
import { botPolicyOf, type BotDefinition } from './definition.ts';
import { handoverSettingsOf } from './handover-definition.ts';
import { loadBotDefinitions } from './load-definitions.ts';
import { trainNlpjsClassifier } from './nlpjs-classifier.ts';
import { hasGatedIntents, normaliseAccess, type LoadedBot } from './loaded-bot.ts';
import { resolveIdentitySecret, verifyVisitorIdentity } from './identity.ts';
import { resolveLanguage } from './locale.ts';
import { readDialogState, writeDialogState } from './dialog-state.ts';
import { replyTo } from './dialog.ts';
import { pick, renderReplies } from './render.ts';
import { settingsOf, withSettings } from './settings.ts';

export { BotDefinitionError } from './errors.ts';
export { BotSettingsError } from './settings.ts';
export { signVisitorIdentity, verifyVisitorIdentity, resolveIdentitySecret, MAX_IDENTITY_LIFETIME_MS } from './identity.ts';
export { isOriginAllowed } from './origins.ts';
export { isOpen, nextOpening } from './business-hours.ts';
export { handoverNotice } from './handover-notice.ts';
export { parseBotDefinition, loadBotDefinitions } from './load-definitions.ts';
export type { IntentClassifier, IntentScore } from './classifier.ts';
export type { BotDefinition } from './definition.ts';

interface LoadBotEngineOptions {
  botsDir: string;
  /** Where generated identity secrets are kept. Default: $DATA_DIR or ./data. */
  dataDir?: string;
  env?: NodeJS.ProcessEnv;
  /** Set when instances share data (Config.sharedBy): identity secrets must then be configured. */
  sharedBy?: string[];
}

export async function loadBotEngine(opts: LoadBotEngineOptions): Promise<BotEngine> {
  const env = opts.env ?? process.env;
  const dataDir = opts.dataDir ?? env.DATA_DIR ?? './data';
  const definitions = loadBotDefinitions(opts.botsDir);
  const bots = new Map<string, LoadedBot>();
  for (const [id, def] of definitions) bots.set(id, await prepareBot(id, def, env, dataDir, opts.sharedBy));
  return createBotEngine(bots);
}

async function prepareBot(id: string, def: BotDefinition, env: NodeJS.ProcessEnv, dataDir: string, sharedBy?: string[]): Promise<LoadedBot> {
  const classifier = await trainNlpjsClassifier({ languages: def.languages, intents: def.intents });
  const identitySecret = hasGatedIntents(def)
    ? resolveIdentitySecret({ botId: id, envName: def.identitySecretEnv, env, dataDir, sharedBy })
    : undefined;
  return {
    id,
    def,
    intents: new Map(def.intents.map((intent) => [intent.name, intent])),
    forms: new Map(def.forms.map((form) => [form.id, form])),
    classifier,
    identitySecret,
  };
}

/** Frozen all the way down: one profile is handed to every caller, and none may change it for the others. */
function deepFrozen<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFrozen(inner);
    Object.freeze(value);
  }
  return value;
}

function profileOf(bot: LoadedBot): BotProfile {
  const { def } = bot;
  const handover = handoverSettingsOf(def);
  // A copy of its own (the policy and handover settings may share parts with the definition), then frozen.
  return deepFrozen(structuredClone({
    id: bot.id,
    enabled: def.enabled,
    allowedOrigins: [...def.allowedOrigins],
    locales: [...def.languages],
    defaultLocale: def.defaultLocale,
    intents: def.intents.map((intent) => intent.name),
    name: def.name,
    policy: botPolicyOf(def),
    ...(handover ? { handover } : {}),
  }));
}

/** The server's staffing value is trusted but typed loosely; anything unknown lets the handover go ahead. */
function normaliseStaffing(value: unknown): Staffing {
  return value === 'no-operator' || value === 'closed' ? value : 'open';
}

function createBotEngine(bots: ReadonlyMap<string, LoadedBot>): BotEngine {
  const profiles = new Map([...bots].map(([id, bot]) => [id, profileOf(bot)]));
  // The definition files as loaded: settings are always put on these, never on settings put before.
  const seeds = new Map([...bots].map(([id, bot]) => [id, bot.def]));
  const seedOf = (botId: string) => {
    const seed = seeds.get(botId);
    if (!seed) throw new Error(`unknown bot ${JSON.stringify(botId)}`);
    return seed;
  };
  const botFor = (ctx: TurnContext): LoadedBot => {
    const bot = typeof ctx.botId === 'string' ? bots.get(ctx.botId) : undefined;
    if (!bot) throw new Error(`unknown bot ${JSON.stringify(ctx.botId)}`);
    return bot;
  };
  return {
    // Asked for on every visitor request: the frozen profile itself, not a copy (a structured
    // clone per request was 3 % of a saturated server's CPU).
    profile: (botId) => profiles.get(botId),
    profiles: () => [...profiles.values()],
    settings(botId) {
      const bot = bots.get(botId);
      return bot ? settingsOf(bot.def) : undefined;
    },
    checkSettings(botId, input) {
      return settingsOf(withSettings(seedOf(botId), input));
    },
    applySettings(botId, settings) {
      const bot = bots.get(botId);
      if (!bot) throw new Error(`unknown bot ${JSON.stringify(botId)}`);
      bot.def = withSettings(seedOf(botId), settings);
      profiles.set(botId, profileOf(bot));
    },
    async verifyIdentity(botId: string, identity: string | undefined): Promise<VisitorIdentity | null> {
      return verifyVisitorIdentity(bots.get(botId)?.identitySecret, identity);
    },
    pendingPii(botId, state) {
      const active = readDialogState(state).form;
      const slot = active ? bots.get(botId)?.forms.get(active.id)?.slots[active.slot] : undefined;
      return slot?.pii ?? 'none';
    },
    async greet(ctx: TurnContext): Promise<BotGreeting> {
      const bot = botFor(ctx);
      const language = resolveLanguage(ctx.locale, bot.def.languages, bot.def.defaultLocale);
      return {
        replies: renderReplies(bot, pick(bot.def.greeting, language, bot), normaliseAccess(ctx.access)),
        state: writeDialogState({ fallbacks: 0 }),
      };
    },
    async reply(ctx: TurnContext, input: VisitorInput): Promise<BotTurn> {
      const bot = botFor(ctx);
      const language = resolveLanguage(ctx.locale, bot.def.languages, bot.def.defaultLocale);
      return replyTo(
        { bot, language, access: normaliseAccess(ctx.access), state: readDialogState(ctx.state), staffing: normaliseStaffing(ctx.staffing) },
        input ?? { text: '' },
      );
    },
  };
}
