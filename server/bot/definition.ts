// The schema of a bot definition file (`bots/<id>.json`). Everything a particular bot says or does
// lives in such a file; this module only says what a valid one looks like and fills in defaults.
import { z } from 'zod';
import ms from 'ms';
import { isAllowedOriginEntry } from './origins.ts';
import { ACTION_PATTERN, parseAction } from './actions.ts';
import { duration, durationOr, label, language, localized, name, text } from './definition-fields.ts';
import { checkHandover, handoverBlock } from './handover-definition.ts';
import type { Language } from '../../common/languages.ts';
import type { BotPolicy } from './engine.ts';

const SLOT_TYPES = ['text', 'email', 'phone', 'choice', 'number'] as const;
export const PII_TAGS = ['none', 'contact', 'identity', 'sensitive'] as const;
const ACCESS_LEVELS = ['public', 'verified', 'premium'] as const;

const SAFE_URL_SCHEMES = new Set(['http:', 'https:', 'mailto:']);

function isSafeUrl(value: string): boolean {
  try {
    return SAFE_URL_SCHEMES.has(new URL(value).protocol);
  } catch {
    return false;
  }
}

const link = z.strictObject({
  label,
  url: z.string().refine(isSafeUrl, 'expected an http:, https: or mailto: URL'),
});

const quickReply = z.strictObject({
  label,
  action: z.string().regex(ACTION_PATTERN, 'expected an action such as "intent:<name>" or "handover:yes"'),
});

const reply = z.strictObject({
  text,
  quickReplies: z.array(quickReply).max(8).optional(),
  links: z.array(link).max(8).optional(),
});

const replies = z.array(reply).min(1, 'expected at least 1 reply').max(5, 'expected at most 5 replies');

const phrases = z
  .array(z.string().trim().min(1).max(200))
  .min(1, 'expected at least 1 training phrase');

const intent = z.strictObject({
  name,
  /** Who may reach this intent; others get a refusal and never see it offered. */
  access: z.enum(ACCESS_LEVELS).default('public'),
  /** A follow-up: matches only right after its parent intent. */
  parent: name.optional(),
  phrases: localized(phrases),
  replies: localized(replies),
  /** A form to start after the replies. */
  form: name.optional(),
  /** Answering this intent hands the conversation to a human. */
  handover: z.boolean().default(false),
  /** Whether the fallback may offer this intent as a suggestion. */
  suggest: z.boolean().default(true),
  /** Label of the intent when offered as a suggestion (default: its first training phrase). */
  label: localized(label).optional(),
});

const choice = z.strictObject({
  value: label,
  label: localized(label),
});

const slot = z.strictObject({
  key: name,
  type: z.enum(SLOT_TYPES, {
    error: (issue) => `unknown slot type ${JSON.stringify(issue.input)} (supported: ${SLOT_TYPES.join(', ')})`,
  }),
  pii: z.enum(PII_TAGS).default('none'),
  prompt: localized(text),
  reprompt: localized(text),
  /** Invalid answers tolerated before the form is given up. */
  retries: z.number().int().min(0).max(5).default(2),
  minLength: z.number().int().min(1).max(2000).optional(),
  maxLength: z.number().int().min(1).max(2000).optional(),
  /** An extra regular expression the whole answer must match (text slots). */
  pattern: z
    .string()
    .refine((source) => {
      try {
        new RegExp(source, 'u');
        return true;
      } catch {
        return false;
      }
    }, 'expected a valid regular expression')
    .optional(),
  choices: z.array(choice).min(2, 'expected at least 2 choices').max(8).optional(),
});

const form = z.strictObject({
  id: name,
  slots: z.array(slot).min(1, 'expected at least 1 slot'),
  done: localized(replies),
});

const messages = z.strictObject({
  fallback: localized(text),
  offerHuman: localized(text),
  humanYes: localized(text),
  humanNo: localized(text),
  handoverDeclined: localized(text),
  refusal: localized(text),
  formAborted: localized(text),
  cancelForm: localized(text),
  formCancelled: localized(text),
});

/** The policy's fields; all but messagesPerMinute are data-protection settings the console may change too (settings.ts). */
export const policyFields = {
  storeConversations: z.boolean().default(true),
  messageTtl: duration.optional(),
  valueTtl: duration.optional(),
  inactiveAfter: duration
    .default(ms('90d'))
    .refine((millis) => millis >= ms('1d') && millis <= ms('365d'), 'expected between 1d and 365d'),
  archive: z.boolean().default(true),
  /** Archived conversations are deleted this long after archiving. Keeping them for ever must be written out. */
  archiveTtl: durationOr('forever').default(ms('365d')),
  messagesPerMinute: z.number().int().min(1).max(600).default(15),
};

const policy = z.strictObject(policyFields).prefault({});

export const allowedOrigins = z
  .array(z.string().refine(isAllowedOriginEntry, 'expected an origin such as "https://shop.example" or "http://localhost:*"'))
  .min(1, 'expected at least 1 origin');

export const botDefinitionSchema = z
  .strictObject({
    $schema: z.string().optional(),
    /** Shown as the chat title. */
    name: label,
    enabled: z.boolean().default(true),
    allowedOrigins,
    languages: z.array(language).min(1, 'expected at least 1 language'),
    defaultLocale: language,
    threshold: z.number().min(0, 'expected a number between 0 and 1').max(1, 'expected a number between 0 and 1').default(0.6),
    ambiguityMargin: z
      .number()
      .min(0, 'expected a number between 0 and 0.5')
      .max(0.5, 'expected a number between 0 and 0.5')
      .default(0.08),
    maxSuggestions: z.number().int().min(2).max(3).default(3),
    fallbacksBeforeHuman: z.number().int().min(1).max(10).default(2),
    /** Environment variable holding the secret the site's backend signs visitor identities with. */
    identitySecretEnv: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]*$/, 'expected an environment variable name such as PARLEY_DEMO_IDENTITY_SECRET')
      .optional(),
    greeting: localized(replies),
    messages,
    intents: z.array(intent).min(1, 'expected at least 1 intent'),
    forms: z.array(form).default([]),
    policy,
    /** Live handover to human operators; on when present. */
    handover: handoverBlock.optional(),
  })
  .superRefine(checkReferences);

export type BotDefinition = z.output<typeof botDefinitionSchema>;
export type IntentDefinition = BotDefinition['intents'][number];
export type FormDefinition = BotDefinition['forms'][number];
export type SlotDefinition = FormDefinition['slots'][number];
export type ReplyDefinition = z.output<typeof reply>;
export type Localized<T> = Partial<Record<Language, T>>;

/** A definition's policy in the units the server works in (ms; no archive TTL means "forever"). */
export function botPolicyOf(def: BotDefinition): BotPolicy {
  const { policy } = def;
  return {
    storeConversations: policy.storeConversations,
    ...(policy.messageTtl !== undefined ? { messageTtlMs: policy.messageTtl } : {}),
    ...(policy.valueTtl !== undefined ? { valueTtlMs: policy.valueTtl } : {}),
    inactiveAfterMs: policy.inactiveAfter,
    archive: policy.archive,
    ...(policy.archiveTtl !== 'forever' ? { archiveTtlMs: policy.archiveTtl } : {}),
    messagesPerMinute: policy.messagesPerMinute,
  };
}

type Ctx = z.RefinementCtx;

/** Checks that need the whole definition: languages covered, names unique, references resolved. */
function checkReferences(def: z.output<z.ZodObject>, ctx: Ctx): void {
  const bot = def as unknown as BotDefinition;
  const issue = (path: PropertyKey[], message: string) => ctx.addIssue({ code: 'custom', path, message });

  const seenLanguages = new Set<string>();
  bot.languages.forEach((lang, i) => {
    if (seenLanguages.has(lang)) issue(['languages', i], `duplicate language "${lang}"`);
    seenLanguages.add(lang);
  });
  if (!bot.languages.includes(bot.defaultLocale)) {
    issue(['defaultLocale'], `"${bot.defaultLocale}" is not one of the bot's languages`);
  }

  const covers = (value: Localized<unknown> | undefined, path: PropertyKey[]) => {
    if (value === undefined) return;
    for (const lang of bot.languages) {
      if (value[lang] === undefined) issue([...path, lang], `missing translation for "${lang}"`);
    }
  };
  covers(bot.greeting, ['greeting']);
  for (const [key, value] of Object.entries(bot.messages)) covers(value, ['messages', key]);

  const intentIndex = new Map<string, number>();
  bot.intents.forEach((it, i) => {
    const first = intentIndex.get(it.name);
    if (first !== undefined) issue(['intents', i, 'name'], `duplicate intent "${it.name}" (first at intents[${first}])`);
    else intentIndex.set(it.name, i);
  });
  const formIndex = new Map<string, number>();
  bot.forms.forEach((f, i) => {
    const first = formIndex.get(f.id);
    if (first !== undefined) issue(['forms', i, 'id'], `duplicate form "${f.id}" (first at forms[${first}])`);
    else formIndex.set(f.id, i);
  });

  const checkQuickReplies = (list: ReplyDefinition[] | undefined, path: PropertyKey[]) => {
    list?.forEach((r, i) =>
      r.quickReplies?.forEach((qr, j) => {
        const action = parseAction(qr.action);
        if (action?.kind === 'intent' && !intentIndex.has(action.intent)) {
          issue([...path, i, 'quickReplies', j, 'action'], `unknown intent "${action.intent}"`);
        } else if (action && action.kind !== 'intent' && action.kind !== 'handover') {
          issue([...path, i, 'quickReplies', j, 'action'], `only "intent:<name>" and "handover:yes" may be written in a definition`);
        }
      }),
    );
  };
  for (const lang of bot.languages) checkQuickReplies(bot.greeting[lang], ['greeting', lang]);

  bot.intents.forEach((it, i) => {
    const path = ['intents', i];
    covers(it.phrases, [...path, 'phrases']);
    covers(it.replies, [...path, 'replies']);
    covers(it.label, [...path, 'label']);
    for (const lang of bot.languages) checkQuickReplies(it.replies[lang], [...path, 'replies', lang]);
    if (it.parent !== undefined) {
      const parentAt = intentIndex.get(it.parent);
      if (parentAt === undefined) issue([...path, 'parent'], `unknown parent intent "${it.parent}"`);
      else if (it.parent === it.name) issue([...path, 'parent'], 'an intent cannot be its own parent');
      else if (bot.intents[parentAt]?.parent !== undefined) {
        issue([...path, 'parent'], `parent "${it.parent}" is itself a follow-up; follow-ups are one level deep`);
      }
    }
    if (it.form !== undefined && !formIndex.has(it.form)) issue([...path, 'form'], `unknown form "${it.form}"`);
  });

  bot.forms.forEach((f, i) => {
    covers(f.done, ['forms', i, 'done']);
    const keys = new Set<string>();
    f.slots.forEach((s, j) => {
      const path = ['forms', i, 'slots', j];
      if (keys.has(s.key)) issue([...path, 'key'], `duplicate slot "${s.key}"`);
      keys.add(s.key);
      covers(s.prompt, [...path, 'prompt']);
      covers(s.reprompt, [...path, 'reprompt']);
      if (s.type === 'choice' && s.choices === undefined) issue([...path, 'choices'], 'a choice slot needs choices');
      if (s.type !== 'choice' && s.choices !== undefined) issue([...path, 'choices'], `only choice slots have choices, not ${s.type}`);
      s.choices?.forEach((c, k) => covers(c.label, [...path, 'choices', k, 'label']));
      if (s.minLength !== undefined && s.maxLength !== undefined && s.minLength > s.maxLength) {
        issue([...path, 'minLength'], 'minLength is greater than maxLength');
      }
    });
  });

  checkHandover(bot, issue, covers);
}
