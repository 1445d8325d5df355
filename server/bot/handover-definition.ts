// The `handover` block of a bot definition: live handover to human operators is on when the block
// is there. It says how long a visitor may wait, when operators work, what the bot says when no one
// can come (and which form takes a message instead), the joined/left notices, and the canned
// replies operators insert. Checks that need the rest of the definition (languages, forms, policy)
// are in checkHandover; handoverSettingsOf gives the server its view of the block.
import { z } from 'zod';
import ms from 'ms';
import { durationMs } from '../config/duration.ts';
import { duration, label, localized, name, text } from './definition-fields.ts';
import { isCalendarDate, isTimeZone } from './business-hours.ts';
import type { BotDefinition, Localized } from './definition.ts';
import type { BusinessHours, HandoverSettings } from './engine.ts';
import { WEEKDAYS } from '../../common/data-protection-wire.ts';

const TIME_PATTERN = /^(?:[01]\d|2[0-3]):[0-5]\d$/;
const TIME_EXPECTED = 'expected a time HH:MM such as "08:00"';
/**
 * The shortest history a bot with handover may keep: an operator reads the conversation they take,
 * and a message left while no one was there waits for the next one (issue 14's promise).
 */
const MIN_HISTORY_MS = ms('24h');

const time = z.string().regex(TIME_PATTERN, TIME_EXPECTED);
/** An interval may end at midnight, written "24:00"; it may not start there. */
const endTime = z.string().refine((value) => value === '24:00' || TIME_PATTERN.test(value), `${TIME_EXPECTED} ("24:00" for midnight at the end)`);

const interval = z.tuple([time, endTime]).superRefine(([start, end], ctx) => {
  if (start >= end) {
    ctx.addIssue({
      code: 'custom',
      message: `"${start}" is not before "${end}" (an interval past midnight is two: one to "24:00", one from "00:00" the next day)`,
    });
  }
});

const day = z
  .array(interval)
  .max(8)
  .superRefine((intervals, ctx) => {
    intervals.forEach(([start, end], i) => {
      const earlier = intervals.slice(0, i).find(([s, e]) => start < e && s < end);
      if (earlier) ctx.addIssue({ code: 'custom', path: [i], message: `overlaps "${earlier[0]}"–"${earlier[1]}"` });
    });
  });

const weekly = z
  .strictObject(Object.fromEntries(WEEKDAYS.map((weekday) => [weekday, day.optional()])) as Record<(typeof WEEKDAYS)[number], z.ZodOptional<typeof day>>)
  .refine((week) => Object.values(week).some((intervals) => intervals !== undefined && intervals.length > 0), {
    message: 'no open hours in the week (leave businessHours out to be open at all times)',
  });

/** Also a data-protection setting the console may change (settings.ts). */
export const businessHours = z.strictObject({
  timeZone: z.string().superRefine((value, ctx) => {
    if (!isTimeZone(value)) {
      ctx.addIssue({ code: 'custom', message: `unknown time zone ${JSON.stringify(value)} (expected an IANA zone such as "Europe/Oslo")` });
    }
  }),
  weekly,
  /** Local dates closed all day. */
  holidays: z.array(z.string().refine(isCalendarDate, 'expected a date YYYY-MM-DD such as "2026-12-25"')).max(1000).default([]),
});

/** A joined/left notice: `{name}` stands for the operator's display name, and nothing else is filled in. */
const notice = localized(
  text.superRefine((value, ctx) => {
    const unknown = [...value.matchAll(/\{([^{}]*)\}/g)].find((m) => m[1] !== 'name');
    if (unknown) ctx.addIssue({ code: 'custom', message: `unknown placeholder ${unknown[0]} (only {name} is filled in)` });
    else if (!value.includes('{name}')) ctx.addIssue({ code: 'custom', message: "expected the placeholder {name} for the operator's name" });
  }),
);

const cannedReply = z.strictObject({
  id: name,
  label: localized(label),
  text: localized(text),
});

export const handoverBlock = z.strictObject({
  /** A visitor waiting longer is told no one could come; at most the 24 hours of history kept. */
  waitLimit: duration
    .default(ms('10m'))
    .refine((millis) => millis >= ms('1m') && millis <= MIN_HISTORY_MS, 'expected between 1m and 24h'),
  /** When operators work; absent: at all times. */
  businessHours: businessHours.optional(),
  /** Said when a human was asked for but no operator is online. */
  noOperator: localized(text),
  /** Said when a human was asked for outside business hours. */
  closed: localized(text),
  /** Said when the visitor waited past `waitLimit` and no one took the conversation; absent: `noOperator`'s words. */
  unanswered: localized(text).optional(),
  /** The form (in `forms`) that takes a message instead: an e-mail slot tagged contact, and a text slot. */
  leaveMessage: name,
  joined: notice,
  left: notice,
  cannedReplies: z.array(cannedReply).max(50).default([]),
});

type Issue = (path: PropertyKey[], message: string) => void;
type Covers = (value: Localized<unknown> | undefined, path: PropertyKey[]) => void;

/** What needs the whole definition: translations, the leave-a-message form, and the 24-hour rule. */
export function checkHandover(bot: BotDefinition, issue: Issue, covers: Covers): void {
  const handover = bot.handover;
  if (!handover) return;
  const path = ['handover'];
  for (const key of ['noOperator', 'closed', 'joined', 'left', 'unanswered'] as const) covers(handover[key], [...path, key]);

  const seen = new Map<string, number>();
  handover.cannedReplies.forEach((reply, i) => {
    const first = seen.get(reply.id);
    if (first !== undefined) issue([...path, 'cannedReplies', i, 'id'], `duplicate canned reply "${reply.id}" (first at handover.cannedReplies[${first}])`);
    else seen.set(reply.id, i);
    covers(reply.label, [...path, 'cannedReplies', i, 'label']);
    covers(reply.text, [...path, 'cannedReplies', i, 'text']);
  });

  checkLeaveMessageForm(bot, handover.leaveMessage, issue);

  const { policy } = bot;
  if (!policy.storeConversations) {
    issue(
      ['policy', 'storeConversations'],
      'a bot with handover must store its conversations: an operator reads the conversation they take, and a left message waits for one (set it to true, or remove "handover")',
    );
  }
  if (policy.messageTtl !== undefined && policy.messageTtl < MIN_HISTORY_MS) {
    issue(['policy', 'messageTtl'], `a bot with handover must keep messages at least 24h (got ${shown(policy.messageTtl)})`);
  }
  // A left message's e-mail is a collected value, masked in the transcript: it must outlive the wait for an operator too.
  if (policy.valueTtl !== undefined && policy.valueTtl < MIN_HISTORY_MS) {
    issue(['policy', 'valueTtl'], `a bot with handover must keep collected values at least 24h (got ${shown(policy.valueTtl)})`);
  }
}

function checkLeaveMessageForm(bot: BotDefinition, id: string, issue: Issue): void {
  const at = bot.forms.findIndex((form) => form.id === id);
  const form = bot.forms[at];
  if (!form) {
    issue(['handover', 'leaveMessage'], `unknown form "${id}"`);
    return;
  }
  const emailAt = form.slots.findIndex((slot) => slot.type === 'email');
  const email = form.slots[emailAt];
  if (!email) issue(['handover', 'leaveMessage'], `the form "${id}" needs an email slot for the visitor's address`);
  else if (email.pii !== 'contact') {
    issue(['forms', at, 'slots', emailAt, 'pii'], `the leave-a-message e-mail must be tagged "contact" (got "${email.pii}")`);
  }
  if (!form.slots.some((slot) => slot.type === 'text')) issue(['handover', 'leaveMessage'], `the form "${id}" needs a text slot for the message`);
}

/** "12h" when ms writes the value exactly, else the milliseconds (ms would round 23h59m59s to "1d"). */
function shown(millis: number): string {
  const short = ms(millis);
  return durationMs(short) === millis ? short : `${millis} ms`;
}

/** The block as the server sees it (BotProfile.handover): milliseconds, ISO weekdays, one list per language. */
export function handoverSettingsOf(def: BotDefinition): HandoverSettings | undefined {
  const handover = def.handover;
  if (!handover) return undefined;
  const perLanguage = <T>(value: (lang: (typeof def.languages)[number]) => T): Record<string, T> =>
    Object.fromEntries(def.languages.map((lang) => [lang, value(lang)]));
  return {
    waitLimitMs: handover.waitLimit,
    ...(handover.businessHours ? { businessHours: businessHoursOf(handover.businessHours) } : {}),
    cannedReplies: perLanguage((lang) =>
      handover.cannedReplies.map((reply) => ({ id: reply.id, label: reply.label[lang] as string, text: reply.text[lang] as string })),
    ),
    joined: perLanguage((lang) => handover.joined[lang] as string),
    left: perLanguage((lang) => handover.left[lang] as string),
    unanswered: perLanguage((lang) => (handover.unanswered ?? handover.noOperator)[lang] as string),
  };
}

function businessHoursOf(hours: z.output<typeof businessHours>): BusinessHours {
  const week: BusinessHours['weekly'] = {};
  WEEKDAYS.forEach((weekday, i) => {
    const intervals = hours.weekly[weekday];
    if (intervals && intervals.length > 0) week[(i + 1) as keyof BusinessHours['weekly']] = intervals.map(([start, end]) => [start, end]);
  });
  return { timeZone: hours.timeZone, weekly: week, holidays: [...hours.holidays] };
}
